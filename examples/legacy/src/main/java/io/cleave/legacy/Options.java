package io.cleave.legacy;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line of {@link LegacyShop}.
 *
 * @param port the TCP port to listen on, 0 for any free one
 * @param dataDir the directory of the H2 database file
 */
record Options(int port, Path dataDir) {

    static final int DEFAULT_PORT = 9090;
    static final Path DEFAULT_DATA_DIR = Path.of("data");
    static final String USAGE = "usage: LegacyShop [--port=9090] [--data=DIR]\n"
            + "  --port=N    the port to listen on at 127.0.0.1 (0: any free port); default 9090\n"
            + "  --data=DIR  where the H2 database file lives, created if missing; default ./data";

    /**
     * Reads the arguments of {@code main}.
     *
     * @param args the arguments, each {@code --name=value}
     * @return the options, defaults for those not given
     * @throws IllegalArgumentException naming the argument at fault and what would be valid
     */
    static Options parse(List<String> args) {
        int port = DEFAULT_PORT;
        Path dataDir = DEFAULT_DATA_DIR;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (name) {
                case "--port" -> port = port(arg, value);
                case "--data" -> dataDir = dataDir(arg, value);
                default -> throw new IllegalArgumentException(
                        "unknown argument \"" + arg + "\"; valid are --port=N and --data=DIR");
            }
        }
        return new Options(port, dataDir);
    }

    private static int port(String arg, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with what would be valid
        }
        throw new IllegalArgumentException(arg + ": the port must be a number from 0 to 65535 (0: any free port)");
    }

    private static Path dataDir(String arg, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(arg + ": name a directory, as in --data=examples/legacy/data");
        }
        // H2 reads ';' in its URL as the start of a setting
        if (value.contains(";")) {
            throw new IllegalArgumentException(arg + ": the directory's path may not contain ';'");
        }
        return Path.of(value);
    }
}
