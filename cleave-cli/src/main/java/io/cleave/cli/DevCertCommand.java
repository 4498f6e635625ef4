package io.cleave.cli;

import io.cleave.transport.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleave dev-cert}: a development certificate authority and a server certificate it signed. */
@Command(
        name = "dev-cert",
        mixinStandardHelpOptions = true,
        description = {
            "Makes a certificate for serving HTTPS on this machine while developing: a new certificate authority"
                    + " (ca.crt, which clients are told to trust) and a server certificate it signed for the given hosts"
                    + " (tls.crt, with the authority after it, and its key tls.key, readable by you only) - the files"
                    + " cert-manager writes for a TLS secret, so [gateway] and [listeners.<name>] name them the same way"
                    + " in development and in production. The authority's key is not kept: nothing else can be signed"
                    + " with it. Existing files are not overwritten.",
            "",
            "Examples:",
            "  cleave dev-cert --out dev-tls",
            "  cleave dev-cert --out dev-tls --host localhost --host shop.test --days 90",
            "  curl --cacert dev-tls/ca.crt https://localhost:8443/",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the files were written", "1:they could not be written (one line says why)",
            "2:invalid command line"})
final class DevCertCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "dev-tls", paramLabel = "DIR",
            description = "Where ca.crt, tls.crt and tls.key go; made if missing. Default: ${DEFAULT-VALUE}.")
    private Path out;

    @Option(names = "--host", paramLabel = "NAME",
            description = "A DNS name or IP address the certificate is for; repeat for several."
                    + " Default: localhost, 127.0.0.1 and ::1.")
    private List<String> hosts = List.of();

    @Option(names = "--days", defaultValue = "30", description = "How long the certificate is valid. Default: ${DEFAULT-VALUE}.")
    private int days;

    @Override
    public Integer call() {
        if (days < 1 || days > 825) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days " + days
                    + ": between 1 and 825 (the longest a browser accepts for a server certificate)");
        }
        List<String> names = hosts.isEmpty() ? List.of("localhost", "127.0.0.1", "::1") : hosts;
        CertificateAuthority authority = CertificateAuthority.generate("development");
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain;
        try {
            chain = authority.issueServer(keys.getPublic(), names, Duration.ofDays(days));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host: " + e.getMessage());
        }
        Path ca = out.resolve("ca.crt");
        Path certificate = out.resolve("tls.crt");
        Path key = out.resolve("tls.key");
        try {
            Files.createDirectories(out);
            for (Path p : List.of(ca, certificate, key)) {
                if (Files.exists(p)) {
                    spec.commandLine().getErr().println("cleave dev-cert: " + p + " exists; remove it or choose another --out");
                    return 1;
                }
            }
            CertificateAuthority.writePem(chain, keys.getPrivate(), certificate, key);
            authority.writeCertificate(ca);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cleave dev-cert: cannot write to " + out + ": " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println("Wrote " + certificate + " and " + key + " for " + String.join(", ", names)
                + ", valid " + days + " days, signed by the development authority in " + ca + ".");
        spec.commandLine().getOut().println("Serve them with [gateway] tls-certificate = \"" + certificate + "\" and tls-key = \""
                + key + "\"; tell clients to trust " + ca + " (curl --cacert " + ca + ").");
        return 0;
    }
}
