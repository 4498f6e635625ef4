package io.cleave.deploy;

import io.cleave.StartupException;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Credentials;
import io.cleave.transport.Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The certificates of a multi deployment: the authority the supervisor issues from, certificates
 * and keys as control-line words (base64 DER), files named per group, and when to renew.
 */
final class Certificates {

    /** How often certificate files are read again for a renewal (cert-manager renews them in place). */
    static final Duration FILE_CHECK = Duration.ofSeconds(10);
    /** The group that {@code {group}} stands for in the supervisor's own file names. */
    static final String SUPERVISOR_GROUP = "supervisor";

    private Certificates() {
    }

    /**
     * The authority the supervisor issues from: made now (its key never leaves this process), or
     * read from {@code ca-cert} and {@code ca-key}.
     *
     * @throws StartupException naming the key and file when the files cannot be used
     */
    static CertificateAuthority authority(String application, TransportSettings.Tls tls) {
        if (tls.caKey().isEmpty()) {
            return CertificateAuthority.generate(application);
        }
        Path cert = Path.of(tls.caCertificate().orElseThrow());
        Path key = Path.of(tls.caKey().get());
        warnIfOthersCanRead(key, "ca-key");
        try {
            return CertificateAuthority.fromPem(cert, key);
        } catch (IOException e) {
            throw new StartupException("deployer multi: [transport] ca-cert / ca-key: " + e.getMessage(), e);
        }
    }

    /**
     * This process's credentials from {@code cert}, {@code key} and {@code ca-cert}, {@code {group}}
     * replaced by its group; they must name this process's identity.
     *
     * @throws StartupException naming the key and file when they cannot be used
     */
    static Credentials fromFiles(TransportSettings.Tls tls, String group, Identity expected) {
        Path cert = file(tls.certificate().orElseThrow(), group);
        Path key = file(tls.key().orElseThrow(), group);
        Path ca = Path.of(tls.caCertificate().orElseThrow());
        warnIfOthersCanRead(key, "key");
        Credentials c;
        try {
            c = Credentials.fromPem(cert, key, ca);
        } catch (IOException e) {
            throw new StartupException("deployer multi: [transport] cert / key / ca-cert: " + e.getMessage(), e);
        }
        Identity named = c.identity();
        boolean sameGroup = named.application().equals(expected.application()) && named.group().equals(expected.group())
                && (named.replica().isEmpty() || named.replica().equals(expected.replica()));
        if (!sameGroup) {
            throw new StartupException("deployer multi: [transport] cert " + cert + " names " + named + ", but this process is "
                    + expected + " (a certificate may leave out the replica)");
        }
        return c;
    }

    /** The path for a group: {@code {group}} in the configured name replaced by the group's name. */
    static Path file(String template, String group) {
        return Path.of(template.replace("{group}", group));
    }

    /** A key others may read is no secret; said loudly, not refused: Kubernetes mounts secrets 0644 by default. */
    private static void warnIfOthersCanRead(Path key, String setting) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(key);
            if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.GROUP_READ)) {
                System.getLogger("cleave.multi").log(System.Logger.Level.WARNING, "[transport] " + setting + " " + key
                        + " is readable by other users; make it readable by its owner only (chmod 600)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // read below, where a missing file is reported
        }
    }

    /** @return when to renew a certificate received now: after two thirds of the time it has left */
    static Duration renewAfter(X509Certificate certificate, Instant now) {
        Duration left = Duration.between(now, certificate.getNotAfter().toInstant());
        return left.isNegative() ? Duration.ZERO : left.multipliedBy(2).dividedBy(3);
    }

    static String words(List<X509Certificate> certificates) {
        List<String> parts = new ArrayList<>();
        try {
            for (X509Certificate c : certificates) {
                parts.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot encode a certificate: " + e.getMessage(), e);
        }
        return String.join(",", parts);
    }

    /** @throws IllegalArgumentException if the word is not certificates in base64 DER */
    static List<X509Certificate> certificates(String word) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (String part : word.split(",", -1)) {
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(part))));
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a certificate: " + e.getMessage(), e);
        }
        return out;
    }

    static String word(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** @throws IllegalArgumentException if the word is not an EC public key in base64 DER */
    static PublicKey publicKey(String word) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(word)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC public key: " + e.getMessage(), e);
        }
    }
}
