package io.cleave.gateway;

import io.cleave.runtime.TomlConfig;
import io.cleave.runtime.spi.Gateway;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway for {@code bench/gateway.sh}: {@code GatewayBench <port> <upstream URL> [toml lines]}
 * serves listener {@code web} on 127.0.0.1:port in front of the one upstream until killed.
 */
public final class GatewayBench {

    private GatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        String toml = "[gateway]\n" + (args.length > 2 ? args[2].replace("\\n", "\n") + "\n" : "");
        Gateway.Running running = new GatewayProvider().start("bench", TomlConfig.section(toml, "gateway"),
                Map.of("web", new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))), Gateway.newToken());
        running.upstreams("web", List.of(URI.create(args[1])));
        System.out.println("gateway " + running.endpoints().get("web"));
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
