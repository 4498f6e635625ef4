package io.cleave.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cleave replay-dead-letters}: delivers an application's dead letters again, in every
 * component's schema, through the database (the running relays and consumers pick them up). The
 * tables are cleave-events' ({@code cleave_outbox}, {@code cleave_dead_letter},
 * {@code cleave_kafka_dead_letter}); the statements do what {@code Events.replayDeadLetters()} does.
 */
@Command(
        name = "replay-dead-letters",
        mixinStandardHelpOptions = true,
        description = {
            "Delivers an application's dead letters (events its subscribers kept failing, cleave-events) again, in every"
                    + " component's schema: those set aside by a relay go back to the end of their keys in the publisher's"
                    + " outbox, those set aside by a Kafka consumer are marked for its replicas to deliver again, attempts"
                    + " from zero. The running application picks them up. Connects to the embedded database of --data-dir,"
                    + " or to --url as --user with the password in PGPASSWORD.",
            "",
            "Examples:",
            "  cleave replay-dead-letters --data-dir data",
            "  cleave replay-dead-letters --url jdbc:postgresql://db/shop --user shop",
            "  cleave replay-dead-letters --data-dir data --type com.example.OrderConfirmed",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:replayed (possibly none)", "1:the database could not be reached or written (one line says why)",
            "2:invalid command line"})
final class ReplayDeadLettersCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The application's [app] data-dir, whose embedded database (postgres/cleave.properties) to use.")
    private Path dataDirectory;

    @Option(names = "--url", paramLabel = "URL", description = "A jdbc:postgresql: URL of the application's own server ([data] url).")
    private String url;

    @Option(names = "--user", paramLabel = "USER", description = "The user for --url ([data] user); its password in PGPASSWORD.")
    private String user;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Only the dead letters of this event type (binary name, such as com.example.OrderConfirmed).")
    private String type;

    @Override
    public Integer call() {
        if ((dataDirectory == null) == (url == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --data-dir or --url");
        }
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url " + url + ": must be a jdbc:postgresql: URL");
        }
        try (Connection c = connect()) {
            List<String> lines = replay(c, type);
            lines.forEach(spec.commandLine().getOut()::println);
            if (lines.isEmpty()) {
                spec.commandLine().getOut().println("no dead letters" + (type == null ? "" : " of " + type));
            }
            spec.commandLine().getOut().flush();
            return 0;
        } catch (SQLException | IOException | IllegalStateException e) {
            spec.commandLine().getErr().println("cleave replay-dead-letters: " + e.getMessage());
            return 1;
        }
    }

    private Connection connect() throws SQLException, IOException {
        if (url != null) {
            String password = System.getenv("PGPASSWORD");
            return DriverManager.getConnection(url, user == null ? System.getProperty("user.name") : user,
                    password == null ? "" : password);
        }
        Path file = dataDirectory.resolve("postgres").resolve("cleave.properties");
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(file + " cannot be read: no embedded database in --data-dir " + dataDirectory
                    + " (or not yours)");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        String port = p.getProperty("port", "");
        String database = p.getProperty("database", "");
        if (!port.matches("[0-9]{1,5}") || database.isEmpty()) {
            throw new IllegalStateException(file + " names no port or database");
        }
        try {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "cleave",
                    p.getProperty("superuser.password", ""));
        } catch (SQLException e) {
            throw new SQLException("the embedded database of " + dataDirectory + " (port " + port + ") cannot be reached;"
                    + " is the application running? " + e.getMessage(), e);
        }
    }

    /**
     * Replays the dead letters of every schema, each schema in one transaction.
     *
     * @return one line per schema that had some
     */
    static List<String> replay(Connection c, String type) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select table_schema, table_name from information_schema.tables"
                + " where table_name in ('cleave_dead_letter', 'cleave_kafka_dead_letter') order by 1, 2");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] t : tables) {
            String schema = quote(t[0]);
            String sql = t[1].equals("cleave_dead_letter")
                    ? """
                      with d as (delete from %1$s.cleave_dead_letter where (? is null or topic = ?)
                                 returning seq, id, subscriber, topic, key, payload, created_at),
                           n as (select pg_notify(?, ''))
                      insert into %1$s.cleave_outbox (id, subscriber, topic, key, payload, created_at)
                      select id, subscriber, topic, key, payload, created_at from d, n order by seq""".formatted(schema)
                    : """
                      update %s.cleave_kafka_dead_letter set replay = true, attempts = 0, next_attempt_at = clock_timestamp()
                      where not replay and (? is null or topic = ?)""".formatted(schema);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, type);
                ps.setString(2, type);
                if (t[1].equals("cleave_dead_letter")) {
                    ps.setString(3, "cleave_outbox_" + t[0]); // the relay's channel: it starts at once
                }
                int n = ps.executeUpdate();
                c.commit();
                if (n > 0) {
                    lines.add(t[0] + ": " + n + " dead letter" + (n == 1 ? "" : "s") + (t[1].equals("cleave_dead_letter")
                            ? " put back into the outbox" : " of the Kafka consumer marked to be delivered again"));
                }
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("schema " + t[0] + ", table " + t[1] + ": " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(auto);
            }
        }
        return lines;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
