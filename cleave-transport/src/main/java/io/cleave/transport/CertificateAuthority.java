package io.cleave.transport;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the certificates of an application's processes: the {@code multi} supervisor makes one
 * at start (its key never leaves the supervisor's memory), or loads the one production supplies.
 * A certificate names one {@link Identity}, may serve as client and as server, and is valid for
 * the lifetime asked (from a minute before it was issued, for clocks a little apart).
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.generate("shop");
 * KeyPair keys = CertificateAuthority.newKeyPair();          // made where the key is used
 * List<X509Certificate> chain = ca.issue(keys.getPublic(), Identity.replica("shop", "Cart", 0), Duration.ofHours(1));
 * Credentials credentials = Credentials.create(keys.getPrivate(), chain, List.of(ca.certificate()));
 * }</pre>
 */
public final class CertificateAuthority {

    /** How long a generated authority is valid: it lives as long as the supervisor that made it. */
    private static final Duration AUTHORITY_VALIDITY = Duration.ofDays(3650);
    /** Certificates are valid from this long before they are issued: clocks of two machines differ a little. */
    private static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey key;
    /** The authority's certificate first, then its issuers, if any. */
    private final List<X509Certificate> chain;

    private CertificateAuthority(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /**
     * Makes a new authority: an EC P-256 key and a self-signed certificate valid for ten years.
     *
     * @param application the application's name, written in the certificate's subject
     * @return the authority
     */
    public static CertificateAuthority generate(String application) {
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Cleave")
                .addRDN(BCStyle.CN, application + " deployment CA " + Long.toHexString(RANDOM.nextLong())).build();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(AUTHORITY_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(pair.getPrivate(), List.of(sign(b, pair.getPrivate())));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make a certificate authority: " + e.getMessage(), e);
        }
    }

    /**
     * Loads an authority from PEM files, such as a cert-manager CA secret's {@code tls.crt} and
     * {@code tls.key}.
     *
     * @param certificate the authority's certificate, then its issuers if it is an intermediate
     * @param key its private key (PKCS#8, PKCS#1 or SEC1; unencrypted)
     * @return the authority
     * @throws IOException if a file cannot be read, or the key does not belong to the certificate
     *     or the certificate is not a CA's; the message names the file
     */
    public static CertificateAuthority fromPem(Path certificate, Path key) throws IOException {
        List<X509Certificate> chain = Pem.certificates(certificate);
        PrivateKey privateKey = Pem.privateKey(key);
        if (chain.get(0).getBasicConstraints() < 0) {
            throw new IOException(certificate + " is not a CA certificate (its basic constraints do not allow issuing)");
        }
        Credentials.checkPair(privateKey, chain.get(0), certificate, key);
        return new CertificateAuthority(privateKey, chain);
    }

    /** @return a new EC P-256 key pair, as processes make for themselves */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    /** @return the authority's certificate: what every process of the application trusts */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Issues a certificate naming {@code identity} for a key made elsewhere (its private half
     * never comes here), usable as client and as server.
     *
     * @param subject the public key to certify
     * @param identity who holds it
     * @param lifetime how long from now it is valid
     * @return the certificate, then the authority's chain
     * @throws IllegalArgumentException if the lifetime is not positive
     */
    public List<X509Certificate> issue(PublicKey subject, Identity identity, Duration lifetime) {
        return issue(subject, identity, lifetime, Instant.now());
    }

    List<X509Certificate> issue(PublicKey subject, Identity identity, Duration lifetime, Instant now) {
        Objects.requireNonNull(subject, "subject");
        requirePositive(lifetime);
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, identity.application());
        name.addRDN(BCStyle.CN, identity.caller());
        return leaf(subject, name.build(), lifetime, now, "" + identity,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}),
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())));
    }

    /**
     * Issues a web server's certificate for a key made elsewhere: named by host names and
     * addresses (its subject alternative names), as browsers and HTTP clients check them. For
     * development certificates ({@code cleave dev-cert}).
     *
     * @param subject the public key to certify
     * @param hosts DNS names ({@code localhost}) and IP addresses ({@code 127.0.0.1}, {@code ::1})
     * @param lifetime how long from now it is valid
     * @return the certificate, then the authority's chain
     * @throws IllegalArgumentException if no host is given, one is neither a DNS name nor an IP
     *     address, or the lifetime is not positive
     */
    public List<X509Certificate> issueServer(PublicKey subject, List<String> hosts, Duration lifetime) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a server certificate names at least one host");
        }
        requirePositive(lifetime);
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                names.add(new GeneralName(GeneralName.iPAddress, host)); // throws for what is not an address
            } else if (host.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            } else {
                throw new IllegalArgumentException("\"" + host + "\" is neither a DNS name nor an IP address");
            }
        }
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Cleave").addRDN(BCStyle.CN, hosts.get(0)).build();
        return leaf(subject, name, lifetime, Instant.now(), "" + hosts, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth),
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    private static void requirePositive(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("certificate lifetime " + lifetime + " is not positive");
        }
    }

    /** An end-entity certificate this authority signs, then the authority's chain. */
    private List<X509Certificate> leaf(PublicKey subject, X500Name name, Duration lifetime, Instant now, String what,
            ExtendedKeyUsage usage, GeneralNames alternativeNames) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(lifetime)), name, subject)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, usage)
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames)
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subject))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate()));
            List<X509Certificate> out = new ArrayList<>();
            out.add(sign(b, key));
            out.addAll(chain);
            return List.copyOf(out);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the authority's certificate as PEM, the file clients are told to trust ({@code ca.crt}).
     *
     * @param file where it goes
     * @throws IOException if it cannot be written
     */
    public void writeCertificate(Path file) throws IOException {
        java.nio.file.Files.writeString(file, Pem.text(certificate()));
    }

    /**
     * Writes a certificate chain and its private key as PEM, in the shape cert-manager writes a
     * TLS secret: the chain readable by anyone, the key by its owner only from the moment the
     * file exists.
     *
     * @param chain the certificate, then its issuers
     * @param key the certificate's private key
     * @param certificateFile where the chain goes ({@code tls.crt})
     * @param keyFile where the key goes ({@code tls.key})
     * @throws IOException if either cannot be written
     */
    public static void writePem(List<X509Certificate> chain, PrivateKey key, Path certificateFile, Path keyFile)
            throws IOException {
        Pem.writeOwnerOnly(keyFile, Pem.text(key));
        java.nio.file.Files.writeString(certificateFile, Pem.text(chain.toArray()));
    }

    /**
     * Writes the authority as PEM: the certificate (readable by anyone) and the private key
     * (readable by its owner only, from the moment the file exists).
     *
     * @param certificate where the certificate goes
     * @param key where the key goes
     * @throws IOException if either cannot be written
     */
    public void writePem(Path certificate, Path key) throws IOException {
        Pem.writeOwnerOnly(key, Pem.text(this.key));
        java.nio.file.Files.writeString(certificate, Pem.text(chain.toArray()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("cannot sign with a " + key.getAlgorithm() + " key");
        };
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
