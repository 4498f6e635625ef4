package io.cleave.deploy;

import io.cleave.deploy.app.Counter;
import io.cleave.deploy.app.Counter_Cleave;
import io.cleave.transport.Credentials;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import java.nio.file.Path;

/**
 * A process on another host in {@link CrossHostTest}: calls {@code Counter.increment(key)} once
 * at an address, with the certificate in a directory ({@code tls.crt}, {@code tls.key},
 * {@code ca.crt}, as cert-manager writes them) or with none, and prints {@code OK count} or
 * {@code FAILED type: message}.
 */
public final class NetnsCaller {

    private NetnsCaller() {
    }

    /** @param args the certificate directory or {@code none}, the address, the key */
    public static void main(String[] args) throws Exception {
        RpcClient.Builder builder = RpcClient.builder().maxAttempts(1);
        if (!args[0].equals("none")) {
            Path dir = Path.of(args[0]);
            builder.tls(Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt")));
        }
        try (RpcClient client = builder.build()) {
            Counter counter = client.stub(Counter_Cleave.DESCRIPTOR, RoutingTable.of(Replica.parse(args[1])));
            System.out.println("OK " + counter.increment(args[2]));
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
