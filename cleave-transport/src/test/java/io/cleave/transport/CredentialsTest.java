package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials read from PEM files in the shapes cert-manager and OpenSSL write, and read again when they change. */
class CredentialsTest {

    private final CertificateAuthority ca = CertificateAuthority.generate("shop");
    private final Identity cart = Identity.replica("shop", "Cart", 0);

    @TempDir
    Path dir;

    @Test
    void readsAnEcKeyInSec1Form() throws IOException {
        KeyPair keys = CertificateAuthority.newKeyPair();
        write(keys, ca.issue(keys.getPublic(), cart, Duration.ofHours(1)), sec1(keys));

        Credentials c = Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"));

        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(c.identity()).isEqualTo(cart);
        assertThat(c.trusted()).containsExactly(ca.certificate());
    }

    @Test
    void readsAnRsaKeyInPkcs1FormAndAKeyInPkcs8Form() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        write(keys, ca.issue(keys.getPublic(), cart, Duration.ofHours(1)), Pem.text((Object) keys.getPrivate()));
        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt")).identity())
                .isEqualTo(cart);

        KeyPair ec = CertificateAuthority.newKeyPair();
        write(ec, ca.issue(ec.getPublic(), cart, Duration.ofHours(1)), Pem.text(ec.getPrivate()));
        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt")).identity())
                .isEqualTo(cart);
    }

    @Test
    void reloadTakesARenewedCertificateAndKeepsTheOldOneWhileTheFilesDoNotFit() throws IOException {
        KeyPair first = CertificateAuthority.newKeyPair();
        write(first, ca.issue(first.getPublic(), cart, Duration.ofHours(1)), sec1(first));
        Credentials c = Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"));
        X509Certificate original = c.certificate();
        assertThat(c.reload()).as("nothing changed").isFalse();

        KeyPair second = CertificateAuthority.newKeyPair();
        List<X509Certificate> renewed = ca.issue(second.getPublic(), cart, Duration.ofHours(1));
        Files.writeString(dir.resolve("tls.crt"), Pem.text(renewed.toArray())); // the key is not written yet

        assertThatThrownBy(c::reload).isInstanceOf(IOException.class)
                .hasMessageContaining("the private key in " + dir.resolve("tls.key") + " does not belong to the certificate in "
                        + dir.resolve("tls.crt"));
        assertThat(c.certificate()).isEqualTo(original);

        Pem.writeOwnerOnly(dir.resolve("tls.key"), Pem.text(second.getPrivate()));

        assertThat(c.reload()).isTrue();
        assertThat(c.certificate()).isEqualTo(renewed.get(0));
    }

    @Test
    void aCertificateOfAnotherIdentityIsNotTakenOnReload() throws IOException {
        KeyPair first = CertificateAuthority.newKeyPair();
        write(first, ca.issue(first.getPublic(), cart, Duration.ofHours(1)), sec1(first));
        Credentials c = Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"));

        KeyPair other = CertificateAuthority.newKeyPair();
        write(other, ca.issue(other.getPublic(), Identity.replica("shop", "Payments", 0), Duration.ofHours(1)),
                Pem.text(other.getPrivate()));

        assertThatThrownBy(c::reload).hasMessageContaining("names cleave://shop/group/Payments/0, these credentials are"
                + " cleave://shop/group/Cart/0");
    }

    @Test
    void aCertificateWithoutACleaveIdentityIsRefusedSayingWhatItNeeds() throws Exception {
        ca.writePem(dir.resolve("tls.crt"), dir.resolve("tls.key")); // the authority's own: a key and certificate without identity
        Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.certificate()));

        assertThatThrownBy(() -> Credentials.fromPem(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt")))
                .isInstanceOf(IOException.class).hasMessageContaining(dir.resolve("tls.crt").toString())
                .hasMessageContaining("names no Cleave identity: it needs a URI subject alternative name"
                        + " cleave://<app>/group/<group>[/<replica>] or cleave://<app>/supervisor");
    }

    @Test
    void identitiesRoundTripThroughTheirUri() {
        Identity odd = new Identity("my-app.v2", java.util.Optional.of("Bomb+Greeter/ü"), OptionalInt.of(3));

        assertThat(Identity.parse(odd.uri())).contains(odd);
        assertThat(odd.uri()).isEqualTo("cleave://my-app.v2/group/Bomb+Greeter%2F%C3%BC/3");
        assertThat(Identity.parse("cleave://shop/supervisor")).contains(Identity.deployment("shop"));
        assertThat(Identity.parse("cleave://shop/group/Cart")).hasValueSatisfying(i -> assertThat(i.caller()).isEqualTo("Cart"));
        assertThat(Identity.parse("spiffe://shop/ns/default")).isEmpty();
        assertThat(Identity.parse("cleave://shop/group/Cart/x")).isEmpty();
    }

    @Test
    void theAuthorityKeyIsWrittenReadableByItsOwnerOnly() throws IOException {
        ca.writePem(dir.resolve("ca.crt"), dir.resolve("ca.key"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(CertificateAuthority.fromPem(dir.resolve("ca.crt"), dir.resolve("ca.key")).certificate())
                .isEqualTo(ca.certificate());
    }

    /** An EC key in SEC1 form with its curve, as OpenSSL and cert-manager write it ({@code BEGIN EC PRIVATE KEY}). */
    private static String sec1(KeyPair keys) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        ASN1Primitive curve = info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive();
        DERBitString publicKey = new DERBitString(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), publicKey, curve);
        return Pem.text(new PemObject("EC PRIVATE KEY", full.getEncoded()));
    }

    private void write(KeyPair unused, List<X509Certificate> chain, String keyText) throws IOException {
        Files.writeString(dir.resolve("tls.crt"), Pem.text(chain.toArray()));
        Pem.writeOwnerOnly(dir.resolve("tls.key"), keyText);
        Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.certificate()));
    }
}
