package io.cleave.transport;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Certificates for tests: an authority, and credentials it issues, checked against a clock the test moves. */
final class Pki {

    static final String APP = "shop";

    final CertificateAuthority ca;
    final MutableClock clock = new MutableClock(Instant.now());

    Pki() {
        this.ca = CertificateAuthority.generate(APP);
    }

    /** Credentials of a replica of a group of {@link #APP}, valid for an hour from the clock's now. */
    Credentials replica(String group, int replica) {
        return credentials(Identity.replica(APP, group, replica), Duration.ofHours(1));
    }

    Credentials deployment() {
        return credentials(Identity.deployment(APP), Duration.ofHours(1));
    }

    Credentials credentials(Identity identity, Duration lifetime) {
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain = ca.issue(keys.getPublic(), identity, lifetime, clock.instant());
        return Credentials.create(keys.getPrivate(), chain, List.of(ca.certificate()), clock);
    }

    /** Issues a new key and certificate for the same identity and puts them in use. */
    X509Certificate renew(Credentials credentials, Duration lifetime) {
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain = ca.issue(keys.getPublic(), credentials.identity(), lifetime, clock.instant());
        credentials.update(keys.getPrivate(), chain);
        return chain.get(0);
    }

    /** A clock tests move forward: certificates are checked against it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
