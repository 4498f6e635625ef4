package io.cleave.transport;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM files as cert-manager and OpenSSL write them: certificates ({@code tls.crt}, {@code ca.crt})
 * and an unencrypted private key ({@code tls.key}) in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form.
 * Read with Bouncy Castle, since the JDK reads none of the key forms but PKCS#8.
 */
final class Pem {

    /** Owner read and write only: what a private key file gets. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Pem() {
    }

    /**
     * @return every certificate in the file, in order
     * @throws IOException if it cannot be read or holds no certificate
     */
    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * @return the one private key in the file
     * @throws IOException if it cannot be read, holds no key, or the key is encrypted
     */
    static PrivateKey privateKey(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 or SEC1; SEC1 may leave out the public key, which is not needed here
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o.getClass().getSimpleName().contains("Encrypted")) {
                    throw new IOException(file + " holds an encrypted private key; give it unencrypted, readable by its owner"
                            + " only (chmod 600)");
                }
            }
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + " is not a PEM private key file: " + e.getMessage(), e);
        }
        throw new IOException(file + " holds no private key (expected -----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY-----"
                + " or -----BEGIN EC PRIVATE KEY-----)");
    }

    /** A private key as PEM text, in PKCS#8 form ({@code BEGIN PRIVATE KEY}): what every reader reads. */
    static String text(PrivateKey key) {
        try {
            return text(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot write a " + key.getAlgorithm() + " key as PKCS#8: " + e.getMessage(), e);
        }
    }

    /** The objects (certificates, PEM generators) as PEM text. */
    static String text(Object... objects) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory failed", e);
        }
        return w.toString();
    }

    /**
     * Writes a file readable and writable by its owner only, atomically: it never exists with
     * wider permissions, even for a moment.
     */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temp + " readable by its owner only: " + e.getMessage(), e);
        }
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
