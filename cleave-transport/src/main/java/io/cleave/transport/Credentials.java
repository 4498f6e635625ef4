package io.cleave.transport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a process proves and whom it trusts on the transport's mutual TLS: its private key and
 * certificate (naming its {@link Identity}), and the certificate authorities whose certificates it
 * accepts from peers. Both can be replaced while connections are open: connections opened from
 * then on use the new ones, and open connections go on undisturbed (a certificate is checked
 * when a connection opens, TLS 1.3, JDK's provider).
 *
 * <p>A peer is accepted when its certificate chains to a trusted authority and is valid now, is
 * meant for TLS clients (when it calls) or servers (when it serves), and names an identity of the
 * same application. Host names are not checked: a process is known by its certificate, wherever it
 * runs. Which components a peer may call is the server's {@link Authorizer}'s business.
 */
public final class Credentials {

    private static final String[] PROTOCOLS = {"TLSv1.3"};
    /** AES-128 first: as safe for this use, and the fastest with AES instructions. */
    private static final String[] CIPHER_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256"};
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** Key versions kept after an update, for handshakes that chose an alias just before it. */
    private static final int KEPT_VERSIONS = 3;

    private final Identity identity;
    private final Clock clock;
    private final SSLContext context;
    private final AtomicInteger versions = new AtomicInteger();
    private final Map<String, Version> byAlias = new ConcurrentHashMap<>();
    private volatile Version current;
    private volatile Trust trust;
    private final Peers peers = new Peers();
    /** The files to reload from, when made by {@link #fromPem}. */
    private final Sources files;
    private volatile byte[][] loaded;

    /** One key and its certificate chain, under an alias of its own so a handshake never mixes two. */
    private record Version(String alias, PrivateKey key, X509Certificate[] chain) {
    }

    /** Trusted authorities, as the validator wants them. */
    private record Trust(Set<TrustAnchor> anchors, List<X509Certificate> certificates) {
    }

    /** The PEM files credentials were read from. */
    private record Sources(Path certificate, Path key, Path trusted) {
    }

    private Credentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted, Clock clock, Sources files) {
        this.clock = clock;
        this.files = files;
        this.identity = identityOf(chain);
        checkKey(key, chain);
        this.trust = trustOf(trusted);
        install(key, chain);
        try {
            this.context = SSLContext.getInstance("TLSv1.3");
            context.init(new KeyManager[] {new Keys()}, new TrustManager[] {peers}, new SecureRandom());
        } catch (NoSuchAlgorithmException | KeyManagementException e) {
            throw new IllegalStateException("this JDK has no TLS 1.3: " + e.getMessage(), e);
        }
    }

    /**
     * Credentials from keys and certificates in memory.
     *
     * @param key this process's private key
     * @param chain its certificate, naming its identity, then the certificates of its issuers
     * @param trusted the authorities whose certificates peers may present
     * @return the credentials
     * @throws IllegalArgumentException if the key does not belong to the certificate, the
     *     certificate names no identity, or nothing is trusted
     */
    public static Credentials create(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted) {
        return create(key, chain, trusted, Clock.systemUTC());
    }

    /** @param clock the time certificates are checked against; for tests */
    static Credentials create(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted, Clock clock) {
        return new Credentials(key, chain, trusted, clock, null);
    }

    /**
     * Credentials from PEM files, in the shape cert-manager writes a certificate's secret:
     * {@code tls.crt}, {@code tls.key}, {@code ca.crt}. {@link #reload()} reads them again.
     *
     * @param certificate this process's certificate, then its issuers'
     * @param key its private key (PKCS#8, PKCS#1 or SEC1, unencrypted)
     * @param trusted the authorities peers' certificates must chain to
     * @return the credentials
     * @throws IOException if a file cannot be read or does not fit the others; the message names it
     */
    public static Credentials fromPem(Path certificate, Path key, Path trusted) throws IOException {
        Sources files = new Sources(certificate, key, trusted);
        byte[][] bytes = read(files);
        List<X509Certificate> chain = Pem.certificates(certificate);
        PrivateKey privateKey = Pem.privateKey(key);
        checkPair(privateKey, chain.get(0), certificate, key);
        Credentials c;
        try {
            c = new Credentials(privateKey, chain, Pem.certificates(trusted), Clock.systemUTC(), files);
        } catch (IllegalArgumentException e) {
            throw new IOException(certificate + ": " + e.getMessage(), e);
        }
        c.loaded = bytes;
        return c;
    }

    /**
     * Reads the files of {@link #fromPem} again and takes what changed: a renewed certificate and
     * key (cert-manager renews them in place), new trusted authorities. Files that do not fit
     * together (a certificate written before its key) are left for the next reload, and the
     * credentials in use stay.
     *
     * @return whether anything changed
     * @throws IOException if the files cannot be read or do not fit together; nothing changed then
     * @throws IllegalStateException if these credentials were not read from files
     */
    public boolean reload() throws IOException {
        if (files == null) {
            throw new IllegalStateException("these credentials were not read from files");
        }
        byte[][] bytes = read(files);
        byte[][] before = loaded;
        boolean keyChanged = !Arrays.equals(bytes[0], before[0]) || !Arrays.equals(bytes[1], before[1]);
        boolean trustChanged = !Arrays.equals(bytes[2], before[2]);
        if (!keyChanged && !trustChanged) {
            return false;
        }
        List<X509Certificate> trusted = Pem.certificates(files.trusted());
        if (keyChanged) {
            List<X509Certificate> chain = Pem.certificates(files.certificate());
            PrivateKey key = Pem.privateKey(files.key());
            checkPair(key, chain.get(0), files.certificate(), files.key());
            try {
                if (trustChanged) {
                    trust(trusted);
                }
                update(key, chain);
            } catch (IllegalArgumentException e) {
                throw new IOException(files.certificate() + ": " + e.getMessage(), e);
            }
        } else {
            trust(trusted);
        }
        loaded = bytes;
        return true;
    }

    private static byte[][] read(Sources files) throws IOException {
        return new byte[][] {Files.readAllBytes(files.certificate()), Files.readAllBytes(files.key()),
                Files.readAllBytes(files.trusted())};
    }

    /** @return who this process is, as its certificate says */
    public Identity identity() {
        return identity;
    }

    /** @return the certificate presented on connections opened now */
    public X509Certificate certificate() {
        return current.chain[0];
    }

    /**
     * Replaces the key and certificate: connections opened from now on present these; open ones
     * are unaffected.
     *
     * @param key the new private key
     * @param chain its certificate, then its issuers'
     * @throws IllegalArgumentException if the key does not belong to the certificate, or the
     *     certificate names another identity than these credentials
     */
    public void update(PrivateKey key, List<X509Certificate> chain) {
        Identity named = identityOf(chain);
        if (!named.equals(identity)) {
            throw new IllegalArgumentException("the new certificate names " + named + ", these credentials are " + identity);
        }
        checkKey(key, chain);
        install(key, chain);
    }

    /**
     * Replaces the trusted authorities; connections opened from now on are checked against them.
     *
     * @param trusted the authorities peers' certificates must chain to
     * @throws IllegalArgumentException if the list is empty
     */
    public void trust(List<X509Certificate> trusted) {
        this.trust = trustOf(trusted);
    }

    /** @return the authorities trusted now */
    public List<X509Certificate> trusted() {
        return trust.certificates();
    }

    private void install(PrivateKey key, List<X509Certificate> chain) {
        Version v = new Version("cleave-" + versions.incrementAndGet(), key, chain.toArray(new X509Certificate[0]));
        byAlias.put(v.alias(), v);
        current = v;
        byAlias.keySet().removeIf(alias -> Integer.parseInt(alias.substring("cleave-".length())) <= versions.get() - KEPT_VERSIONS);
    }

    private static Identity identityOf(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least this process's certificate");
        }
        return Identity.of(chain.get(0));
    }

    private static void checkKey(PrivateKey key, List<X509Certificate> chain) {
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("the private key does not belong to the certificate of "
                    + chain.get(0).getSubjectX500Principal());
        }
    }

    private static Trust trustOf(List<X509Certificate> trusted) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("credentials must trust at least one certificate authority");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate c : trusted) {
            anchors.add(new TrustAnchor(c, null));
        }
        return new Trust(Set.copyOf(anchors), List.copyOf(trusted));
    }

    /** @throws IOException naming both files if the key does not belong to the certificate */
    static void checkPair(PrivateKey key, X509Certificate certificate, Path certificateFile, Path keyFile) throws IOException {
        if (!matches(key, certificate)) {
            throw new IOException("the private key in " + keyFile + " does not belong to the certificate in " + certificateFile);
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "cleave key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(certificate.getPublicKey());
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    // ---- what the transport uses -------------------------------------------------------------

    /** Wraps a connected socket as the client's end of a TLS connection; the handshake is the caller's. */
    SSLSocket client(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        s.setUseClientMode(true);
        configure(s);
        return s;
    }

    /** Wraps an accepted socket as the server's end of a TLS connection, requiring a client certificate. */
    SSLSocket server(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, null, true);
        s.setUseClientMode(false);
        configure(s);
        s.setNeedClientAuth(true);
        return s;
    }

    private static void configure(SSLSocket s) {
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(CIPHER_SUITES);
        p.setUseCipherSuitesOrder(true);
        p.setEndpointIdentificationAlgorithm(null);
        s.setSSLParameters(p);
    }

    /** The identity of the peer of a socket whose {@link #handshake} completed. */
    static Identity peer(SSLSocket s) throws SSLPeerUnverifiedException {
        return Identity.of((X509Certificate) s.getSession().getPeerCertificates()[0]);
    }

    /**
     * Runs the handshake, then checks the peer's certificate again, now: a resumed TLS session
     * skips the check of the handshake, so a certificate that expired since, or an authority no
     * longer trusted, would otherwise open connections for as long as the session lives.
     *
     * @throws IOException if the handshake fails or the peer's certificate is not accepted now
     */
    void handshake(SSLSocket s) throws IOException {
        s.startHandshake();
        boolean client = s.getUseClientMode();
        try {
            peers.check((X509Certificate[]) s.getSession().getPeerCertificates(), client ? SERVER_AUTH : CLIENT_AUTH,
                    client ? "server" : "client");
        } catch (CertificateException e) {
            throw new SSLHandshakeException(e.getMessage(), e);
        } catch (ClassCastException e) {
            throw new SSLHandshakeException("the peer presented certificates that are not X.509");
        }
    }

    /** Presents the current key and certificate; a handshake reads both under one alias. */
    private final class Keys extends X509ExtendedKeyManager {

        private String alias(String keyType) {
            Version v = current;
            return v.key().getAlgorithm().equals(keyType) ? v.alias() : null;
        }

        private String alias(String[] keyTypes) {
            if (keyTypes != null) {
                for (String t : keyTypes) {
                    String a = alias(t);
                    if (a != null) {
                        return a;
                    }
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String a = alias(keyType);
            return a == null ? null : new String[] {a};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Version v = byAlias.get(alias);
            return v == null ? null : v.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Version v = byAlias.get(alias);
            return v == null ? null : v.key();
        }
    }

    /** Checks a peer's certificate against the trusted authorities, at the credentials' clock. */
    private final class Peers extends X509ExtendedTrustManager {

        private void check(X509Certificate[] chain, String purpose, String role) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the " + role + " presented no certificate");
            }
            Trust t = trust;
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
            while (path.size() > 1 && t.certificates().contains(path.get(path.size() - 1))) {
                path.remove(path.size() - 1); // the anchor itself is not part of the path to validate
            }
            X509Certificate leaf = chain[0];
            try {
                CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
                PKIXParameters parameters = new PKIXParameters(t.anchors());
                parameters.setRevocationEnabled(false);
                parameters.setDate(Date.from(clock.instant()));
                CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            } catch (CertPathValidatorException e) {
                throw new CertificateException("the " + role + "'s certificate (" + leaf.getSubjectX500Principal()
                        + ") is not accepted: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot check the " + role + "'s certificate: " + e.getMessage(), e);
            }
            List<String> usages;
            try {
                usages = leaf.getExtendedKeyUsage();
            } catch (CertificateParsingException e) {
                throw new CertificateException("the " + role + "'s certificate has an unreadable extended key usage", e);
            }
            if (usages != null && !usages.contains(purpose)) {
                throw new CertificateException("the " + role + "'s certificate (" + leaf.getSubjectX500Principal()
                        + ") is not meant for a TLS " + role + " (extended key usage " + usages + ")");
            }
            Identity peer;
            try {
                peer = Identity.of(leaf);
            } catch (IllegalArgumentException e) {
                throw new CertificateException(e.getMessage(), e);
            }
            if (!peer.application().equals(identity.application())) {
                throw new CertificateException("the " + role + "'s certificate names " + peer + ", a process of application "
                        + peer.application() + "; this is " + identity.application());
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, CLIENT_AUTH, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, SERVER_AUTH, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, CLIENT_AUTH, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, SERVER_AUTH, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, CLIENT_AUTH, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, SERVER_AUTH, "server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.certificates().toArray(new X509Certificate[0]);
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + identity + ", certificate valid until " + certificate().getNotAfter().toInstant() + "]";
    }
}
