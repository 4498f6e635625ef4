package io.cleave.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who a process of an application is, as its certificate says: the deployment's own identity
 * (the {@code multi} supervisor, which calls every component for the application's tests and
 * its {@code App.component(...)} stubs), or a group, with its replica where known. Written in
 * the certificate as a URI subject alternative name:
 *
 * <pre>
 * cleave://shop/supervisor            the deployment
 * cleave://shop/group/Cart+Checkout/1 group Cart+Checkout, replica 1
 * cleave://shop/group/Payments        group Payments, any replica (a certificate shared by replicas)
 * </pre>
 *
 * Names are percent-encoded where they hold anything but letters, digits and {@code . _ ~ + -}.
 * A certificate from cert-manager or another CA names its process the same way ({@code uris} in a
 * cert-manager {@code Certificate}).
 *
 * @param application the application's name
 * @param group the group's name; empty for the deployment itself
 * @param replica the replica's index; empty for the deployment, or when the certificate is shared
 */
public record Identity(String application, Optional<String> group, OptionalInt replica) {

    private static final String SCHEME = "cleave://";
    private static final String SUPERVISOR = "supervisor";
    /** The type of a URI in {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static final int URI_NAME = 6;

    /**
     * @throws IllegalArgumentException if a name is empty, or a replica is given without a group or is negative
     */
    public Identity {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(replica, "replica");
        if (application.isEmpty() || group.map(String::isEmpty).orElse(false)) {
            throw new IllegalArgumentException("an identity needs a non-empty application and group name");
        }
        if (replica.isPresent() && (group.isEmpty() || replica.getAsInt() < 0)) {
            throw new IllegalArgumentException("a replica index belongs to a group and is not negative, got " + replica);
        }
    }

    /**
     * @param application the application's name
     * @return the deployment's own identity: the {@code multi} supervisor's
     */
    public static Identity deployment(String application) {
        return new Identity(application, Optional.empty(), OptionalInt.empty());
    }

    /**
     * @param application the application's name
     * @param group the group's name, its components joined with {@code +}
     * @param replica the replica's index
     * @return the identity of one process of a group
     */
    public static Identity replica(String application, String group, int replica) {
        return new Identity(application, Optional.of(group), OptionalInt.of(replica));
    }

    /** @return whether this is the deployment itself rather than a group */
    public boolean isDeployment() {
        return group.isEmpty();
    }

    /**
     * @return what callees see as {@link io.cleave.CallContext#caller()}: {@code group/replica},
     *     the group alone, or {@code supervisor}
     */
    public String caller() {
        if (group.isEmpty()) {
            return SUPERVISOR;
        }
        return replica.isPresent() ? group.get() + "/" + replica.getAsInt() : group.get();
    }

    /** @return the URI that names this identity in a certificate */
    public String uri() {
        StringBuilder b = new StringBuilder(SCHEME).append(encode(application)).append('/');
        if (group.isEmpty()) {
            return b.append(SUPERVISOR).toString();
        }
        b.append("group/").append(encode(group.get()));
        replica.ifPresent(r -> b.append('/').append(r));
        return b.toString();
    }

    /**
     * Reads the identity from a URI of the form {@link #uri()} writes.
     *
     * @param uri such as {@code cleave://shop/group/Cart/0}
     * @return the identity, or empty if the URI is not one
     */
    public static Optional<Identity> parse(String uri) {
        if (!uri.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String[] parts = uri.substring(SCHEME.length()).split("/", -1);
        try {
            if (parts.length == 2 && parts[1].equals(SUPERVISOR)) {
                return Optional.of(deployment(decode(parts[0])));
            }
            if ((parts.length == 3 || parts.length == 4) && parts[1].equals("group")) {
                Optional<String> group = Optional.of(decode(parts[2]));
                if (parts.length == 3) {
                    return Optional.of(new Identity(decode(parts[0]), group, OptionalInt.empty()));
                }
                if (parts[3].matches("[0-9]{1,9}")) {
                    return Optional.of(new Identity(decode(parts[0]), group, OptionalInt.of(Integer.parseInt(parts[3]))));
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The identity a certificate names: its one {@code cleave://} URI subject alternative name.
     *
     * @param certificate a process's certificate
     * @return the identity
     * @throws IllegalArgumentException if it names none, or more than one, saying what it holds
     */
    public static Identity of(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("the certificate of " + certificate.getSubjectX500Principal()
                    + " has unreadable subject alternative names: " + e.getMessage(), e);
        }
        Identity found = null;
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() == 2 && Integer.valueOf(URI_NAME).equals(name.get(0)) && name.get(1) instanceof String uri
                        && uri.startsWith(SCHEME)) {
                    Identity id = parse(uri).orElseThrow(() -> new IllegalArgumentException("the certificate of "
                            + certificate.getSubjectX500Principal() + " has the URI " + uri + ", which is not "
                            + SCHEME + "<app>/supervisor nor " + SCHEME + "<app>/group/<group>[/<replica>]"));
                    if (found != null && !found.equals(id)) {
                        throw new IllegalArgumentException("the certificate of " + certificate.getSubjectX500Principal()
                                + " names two identities, " + found.uri() + " and " + uri);
                    }
                    found = id;
                }
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("the certificate of " + certificate.getSubjectX500Principal()
                    + " names no Cleave identity: it needs a URI subject alternative name " + SCHEME
                    + "<app>/group/<group>[/<replica>] or " + SCHEME + "<app>/supervisor");
        }
        return found;
    }

    @Override
    public String toString() {
        return uri();
    }

    private static String encode(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || ".-_~+".indexOf(c) >= 0)) {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape in " + text);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '%' || c >= 0x80) {
                throw new IllegalArgumentException("bad escape or character in " + text);
            } else {
                out.write(c);
            }
        }
        String s = out.toString(StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        return s;
    }
}
