package io.cleave.gateway;

import io.cleave.gateway.GatewaySettings.TlsSource;
import io.cleave.spi.ConfigSection.ConfigError;
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
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The gateway's TLS key and certificate chain, read from the files {@code [gateway]} names, as
 * cleave-web's {@code ListenerTls} reads a listener's (which is package-private there). Every
 * failure is a {@link ConfigError} naming the key and the path.
 */
final class GatewayTls {

    private GatewayTls() {
    }

    /**
     * Reads the key and chain and checks that they belong together.
     *
     * @throws ConfigError naming the key and path when a file is missing, unreadable or wrong
     */
    static Tls load(TlsSource source) {
        PrivateKey key;
        List<X509Certificate> chain = new ArrayList<>();
        switch (source) {
            case TlsSource.PemFiles pem -> {
                chain = certificates(pem.certificate());
                key = privateKey(pem.key());
            }
            case TlsSource.KeyStore store -> {
                String where = "[gateway] tls-keystore = \"" + store.file() + "\": ";
                try (InputStream in = Files.newInputStream(store.file())) {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(in, store.password());
                    List<String> aliases = new ArrayList<>();
                    for (String alias : Collections.list(ks.aliases())) {
                        if (ks.isKeyEntry(alias)) {
                            aliases.add(alias);
                        }
                    }
                    if (aliases.size() != 1) {
                        throw new ConfigError(where + "expected one private key entry, found " + aliases.size());
                    }
                    key = (PrivateKey) ks.getKey(aliases.get(0), store.password());
                    for (Certificate c : ks.getCertificateChain(aliases.get(0))) {
                        chain.add((X509Certificate) c);
                    }
                } catch (IOException e) {
                    throw e instanceof NoSuchFileException ? unreadable("tls-keystore", store.file(), e)
                            : new ConfigError(where + "wrong tls-keystore-password, or not a PKCS#12 file: " + e.getMessage());
                } catch (GeneralSecurityException e) {
                    throw new ConfigError(where + "not a PKCS#12 key store: " + e.getMessage());
                }
            }
        }
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())) {
            throw new ConfigError("[gateway]: the private key is " + key.getAlgorithm() + " but the first certificate's"
                    + " key is " + chain.get(0).getPublicKey().getAlgorithm() + "; they must be a pair");
        }
        try {
            return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        } catch (RuntimeException e) {
            throw new ConfigError("[gateway]: cannot serve TLS with this key and certificate chain: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw unreadable("tls-certificate", file, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigError("[gateway] tls-certificate = \"" + file + "\": not a PEM certificate chain: "
                    + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ConfigError("[gateway] tls-certificate = \"" + file + "\": holds no certificate (expected"
                    + " -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    private static PrivateKey privateKey(Path file) {
        String where = "[gateway] tls-key = \"" + file + "\": ";
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException e) {
            throw e instanceof NoSuchFileException ? unreadable("tls-key", file, e)
                    : new ConfigError(where + "not a PEM private key: " + e.getMessage());
        }
        throw new ConfigError(where + "holds no unencrypted private key (expected -----BEGIN PRIVATE KEY-----,"
                + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private static ConfigError unreadable(String key, Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new ConfigError("[gateway] " + key + " = \"" + file + "\": cannot read it (" + why + ")");
    }
}
