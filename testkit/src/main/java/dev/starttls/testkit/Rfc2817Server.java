package dev.starttls.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A small HTTP server on a free loopback port for RFC 2817 ({@code Upgrade: TLS/1.0}) tests. The upgrading variant
 * answers {@code OPTIONS *} with {@code Upgrade: TLS/1.0} and {@code Connection: Upgrade} by {@code 101 Switching
 * Protocols}, completes the server side of the TLS handshake, and then answers
 * one request inside TLS with {@code 200} and the body {@code "hello over TLS\n"}. The ignoring variant answers the
 * upgrade request with a plain {@code 200} (as almost every HTTP server does) and then records whatever else the
 * client sends until it closes.
 *
 * <pre>{@code
 * try (Rfc2817Server server = Rfc2817Server.ignoringUpgrade()) {
 *     assertThrows(TlsUpgradeException.class, () -> HttpTls.upgrade(new Socket("localhost", server.port()), ...));
 *     server.awaitScript(Duration.ofSeconds(5));
 *     assertEquals(List.of("OPTIONS * HTTP/1.1", ...), server.received());   // and not one byte more
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} closes every connection.
 *
 * @since 0.1
 */
public final class Rfc2817Server implements AutoCloseable {
    /** The body of the answer to the request made inside TLS. */
    public static final String BODY = "hello over TLS\n";

    private final ScriptedServer server;

    private Rfc2817Server(ScriptedServer.Script script) {
        server = ScriptedServer.start(script);
    }

    /** A server that accepts the upgrade and then speaks TLS with {@code certificate}. */
    public static Rfc2817Server upgrading(HeldCertificate certificate) {
        return new Rfc2817Server(c -> {
            ReceivedRequest request = ReceivedRequest.parse(c.readHead());
            if (!isTlsUpgrade(request)) {
                c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            // RFC 2817 3.3: the 101 ends the plaintext exchange; the TLS handshake begins right after its empty line
            c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: TLS/1.0, HTTP/1.1\r\nConnection: Upgrade\r\n\r\n");
            c.startTls(certificate);
            c.readHead();
            byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
            c.send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n" + BODY);
            c.readUntilClosed();
        });
    }

    /** A server that ignores the upgrade: a plain {@code 200} to {@code OPTIONS *}, then it listens until close. */
    public static Rfc2817Server ignoringUpgrade() {
        return new Rfc2817Server(c -> {
            c.readHead();
            c.send("HTTP/1.1 200 OK\r\nAllow: GET, HEAD, OPTIONS\r\nContent-Length: 0\r\n\r\n");
            c.readUntilClosed();
        });
    }

    /** The loopback port. */
    public int port() {
        return server.port();
    }

    /** Every line the server read, in order; lines read after the switch start with {@code "[TLS] "}. */
    public List<String> received() {
        return server.received();
    }

    /** Waits for the first connection's script to end; see {@link ScriptedServer#awaitScript(Duration)}. */
    public void awaitScript(Duration timeout) {
        server.awaitScript(timeout);
    }

    @Override
    public void close() {
        server.close();
    }

    private static boolean isTlsUpgrade(ReceivedRequest request) {
        return "OPTIONS".equals(request.method()) && request.header("Upgrade").orElse("").startsWith("TLS/1.")
                && request.header("Connection").orElse("").toLowerCase(Locale.ROOT).contains("upgrade");
    }

}
