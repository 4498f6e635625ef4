package io.cleave.web;

import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.web.ListenerSettings.TlsSource;
import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A listener's TLS key and certificate chain, read from the files its settings name. Every failure
 * is a {@link ConfigError} naming the listener's table, the key and the path.
 */
final class ListenerTls {

    private ListenerTls() {
    }

    /**
     * Reads the key and chain and checks that they belong together.
     *
     * @throws ConfigError naming the listener, key and path when a file is missing, unreadable or wrong
     */
    static Tls load(String origin, TlsSource source) {
        PrivateKey key;
        List<X509Certificate> chain;
        switch (source) {
            case TlsSource.PemFiles pem -> {
                chain = certificates(origin, "tls-certificate", pem.certificate());
                key = privateKey(origin, "tls-key", pem.key());
            }
            case TlsSource.KeyStore store -> {
                KeyStore ks = keyStore(origin, store);
                String alias = keyAlias(origin, store.file(), ks);
                try {
                    key = (PrivateKey) ks.getKey(alias, store.password());
                    chain = new ArrayList<>();
                    for (Certificate c : ks.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                } catch (GeneralSecurityException e) {
                    throw new ConfigError(origin + " tls-keystore = \"" + store.file() + "\": cannot read the key of entry \""
                            + alias + "\": " + e.getMessage());
                }
            }
        }
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())) {
            throw new ConfigError(origin + ": the private key is " + key.getAlgorithm() + " but the first certificate's"
                    + " key is " + chain.get(0).getPublicKey().getAlgorithm() + "; they must be a pair");
        }
        try {
            return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        } catch (RuntimeException e) {
            throw new ConfigError(origin + ": cannot serve TLS with this key and certificate chain: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(String origin, String key, Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw unreadable(origin, key, file, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigError(origin + " " + key + " = \"" + file + "\": not a PEM certificate chain: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ConfigError(origin + " " + key + " = \"" + file + "\": holds no certificate (expected"
                    + " -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static PrivateKey privateKey(String origin, String key, Path file) {
        String where = origin + " " + key + " = \"" + file + "\": ";
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o.getClass().getSimpleName().contains("Encrypted")) {
                    throw new ConfigError(where + "the private key is encrypted; give it unencrypted, readable by its"
                            + " owner only (chmod 600), or use a PKCS#12 tls-keystore with a password");
                }
            }
        } catch (PEMException e) {
            throw new ConfigError(where + "not a PEM private key: " + e.getMessage());
        } catch (IOException e) {
            throw unreadable(origin, key, file, e);
        }
        throw new ConfigError(where + "holds no private key (expected -----BEGIN PRIVATE KEY-----,"
                + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private static KeyStore keyStore(String origin, TlsSource.KeyStore store) {
        try (InputStream in = Files.newInputStream(store.file())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, store.password());
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new ConfigError(origin + " tls-keystore = \"" + store.file() + "\": wrong tls-keystore-password"
                        + " (or not a PKCS#12 file): " + e.getMessage());
            }
            if (e instanceof NoSuchFileException || Files.notExists(store.file())) {
                throw unreadable(origin, "tls-keystore", store.file(), e);
            }
            throw new ConfigError(origin + " tls-keystore = \"" + store.file() + "\": not a PKCS#12 key store: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigError(origin + " tls-keystore = \"" + store.file() + "\": not a PKCS#12 key store: "
                    + e.getMessage());
        }
    }

    private static String keyAlias(String origin, Path file, KeyStore ks) {
        List<String> keys = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigError(origin + " tls-keystore = \"" + file + "\": " + e.getMessage());
        }
        if (keys.size() != 1) {
            throw new ConfigError(origin + " tls-keystore = \"" + file + "\": expected one private key entry, found "
                    + keys.size() + (keys.isEmpty() ? "" : " (" + String.join(", ", keys) + ")"));
        }
        return keys.get(0);
    }

    private static ConfigError unreadable(String origin, String key, Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new ConfigError(origin + " " + key + " = \"" + file + "\": cannot read it (" + why + ")");
    }
}
