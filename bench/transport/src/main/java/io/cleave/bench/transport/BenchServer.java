package io.cleave.bench.transport;

import io.cleave.transport.RpcServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.cleave.transport.Credentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server process: hosts the same echo over Cleave's transport and over gRPC, prints
 * {@code READY <cleavePort> <grpcPort> <grpcDirectPort> <cleaveMutualTlsPort>}, and exits when its standard input closes.
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        RpcServer cleave = RpcServer.builder().host(Payload_Cleave.DESCRIPTOR, new PayloadImpl()).start();
        // the same echo with mutual TLS, from the PEM files the benchmark wrote (args: tls.crt tls.key ca.crt)
        RpcServer secure = RpcServer.builder().host(Payload_Cleave.DESCRIPTOR, new PayloadImpl())
                .tls(Credentials.fromPem(Path.of(args[0]), Path.of(args[1]), Path.of(args[2])), (caller, component) -> Optional.empty())
                .start();
        ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Payload")
                .addMethod(Grpc.ECHO, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(request);
                    reply.onCompleted();
                }))
                .build();
        Server grpc = io.grpc.Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service).build().start();
        Server grpcDirect = io.grpc.Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(service).directExecutor().build().start();
        System.out.println("READY " + cleave.address().getPort() + " " + grpc.getPort() + " " + grpcDirect.getPort() + " "
                + secure.address().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        grpc.shutdownNow();
        grpcDirect.shutdownNow();
        cleave.close();
        secure.close();
    }
}
