package dev.starttls;

import java.util.Objects;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket whose handshake has completed, together with what that handshake negotiated, as
 * {@link Upgrader#upgrade(java.net.Socket, Endpoint)} returns it. The handshake is measured for this connection alone,
 * even when it resumed a session that others share.
 *
 * <pre>{@code
 * TlsConnection tls = Upgrader.of(policy).connect(Endpoint.of("imap.example.com", 993));
 * System.out.println(tls.handshake());     // TLSv1.3, suite, peer, resumed or not, duration
 * tls.socket().getOutputStream().write(...);
 * }</pre>
 *
 * <p>Instances are immutable; the socket itself is not thread-safe.
 *
 * @param socket the connected TLS socket; closing it closes the plain socket under it
 * @param handshake what the handshake of {@code socket} negotiated
 * @since 0.1
 */
public record TlsConnection(SSLSocket socket, Handshake handshake) {
    /** Checks the components. */
    public TlsConnection {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(handshake, "handshake");
    }
}
