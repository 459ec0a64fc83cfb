package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import java.util.Objects;
import java.util.Properties;

/**
 * Ready {@link Properties} for a Jakarta Mail (Angus Mail) {@code Session} that connects under a {@link TlsPolicy}:
 * to the test kit's servers or to any other. TLS comes from {@link TlsPolicy#socketFactory()} (the policy's trust,
 * protocols, suites, SNI and host name verification), STARTTLS is required on the plain ports (no silent plaintext),
 * {@code ssl.checkserveridentity} is on, and the connect and read timeouts are the policy's.
 *
 * <pre>{@code
 * Session smtp = Session.getInstance(JakartaMailProperties.smtp("localhost", mail.smtpPort(), mail.clientPolicy()));
 * Transport.send(message, "alice", "secret");                 // EHLO, STARTTLS, handshake, AUTH inside TLS
 * Session imaps = Session.getInstance(JakartaMailProperties.imaps("localhost", mail.imapsPort(), mail.clientPolicy()));
 * try (Store store = imaps.getStore()) { store.connect("alice", "secret"); ... }
 * }</pre>
 *
 * <p>Each call returns a new, independent {@code Properties}; the class is stateless and thread-safe.
 *
 * @since 0.1
 */
public final class JakartaMailProperties {
    private JakartaMailProperties() {
    }

    /** SMTP with STARTTLS required (587 / 25); {@code mail.transport.protocol} is {@code smtp}. */
    public static Properties smtp(String host, int port, TlsPolicy policy) {
        return of("smtp", "mail.transport.protocol", host, port, policy, false);
    }

    /** SMTP with implicit TLS (465); {@code mail.transport.protocol} is {@code smtps}. */
    public static Properties smtps(String host, int port, TlsPolicy policy) {
        return of("smtps", "mail.transport.protocol", host, port, policy, true);
    }

    /** IMAP with STARTTLS required (143); {@code mail.store.protocol} is {@code imap}. */
    public static Properties imap(String host, int port, TlsPolicy policy) {
        return of("imap", "mail.store.protocol", host, port, policy, false);
    }

    /** IMAP with implicit TLS (993); {@code mail.store.protocol} is {@code imaps}. */
    public static Properties imaps(String host, int port, TlsPolicy policy) {
        return of("imaps", "mail.store.protocol", host, port, policy, true);
    }

    /** POP3 with STLS required (110); {@code mail.store.protocol} is {@code pop3}. */
    public static Properties pop3(String host, int port, TlsPolicy policy) {
        return of("pop3", "mail.store.protocol", host, port, policy, false);
    }

    /** POP3 with implicit TLS (995); {@code mail.store.protocol} is {@code pop3s}. */
    public static Properties pop3s(String host, int port, TlsPolicy policy) {
        return of("pop3s", "mail.store.protocol", host, port, policy, true);
    }

    private static Properties of(String protocol, String protocolKey, String host, int port, TlsPolicy policy,
            boolean implicit) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(policy, "policy");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty(protocolKey, protocol);
        props.setProperty(p + "host", host);
        props.setProperty(p + "port", Integer.toString(port));
        if (implicit) {
            props.setProperty(p + "ssl.enable", "true");
        } else {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true"); // fail rather than go on in plaintext
        }
        props.put(p + "ssl.socketFactory", policy.socketFactory()); // also used for the STARTTLS layer
        props.setProperty(p + "ssl.checkserveridentity", "true");
        props.setProperty(p + "connectiontimeout", Long.toString(policy.connectTimeout().toMillis()));
        props.setProperty(p + "timeout", Long.toString(policy.readTimeout().toMillis()));
        if (protocol.startsWith("smtp")) {
            props.setProperty(p + "auth", "true"); // AUTH when the caller gives credentials, inside TLS only
        }
        return props;
    }
}
