package dev.starttls.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw-socket HTTP CONNECT proxy on a free loopback port that does what {@link ConnectProxy} (Jetty) will not: answer
 * with any status, speak plaintext after its {@code 200}, terminate TLS with its own certificate, send an endless header
 * block or drip its reply, and relay while putting the target's first bytes in the same segment as its {@code 200}.
 *
 * <pre>{@code
 * try (ScriptedProxy proxy = ScriptedProxy.replying("HTTP/1.1 302 Found", "Location: http://portal.invalid/")) {
 *     TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
 *             () -> HttpTls.tunnel("127.0.0.1", proxy.port(), "localhost", 443, policy));
 *     assertEquals(302, e.replyCode().getAsInt());
 *     assertEquals(List.of("CONNECT localhost:443 HTTP/1.1", "Host: localhost:443", ""),
 *             proxy.received());                      // and nothing after: the redirect was not followed
 * }
 * }</pre>
 *
 * <p>Relaying modes reach only {@code 127.0.0.1} and {@code localhost} (any other target gets {@code 403}). Every line
 * the proxy read is recorded, before and after its reply. Thread-safe; {@link #close()} closes every connection.
 *
 * @since 0.1
 */
public final class ScriptedProxy implements AutoCloseable {
    /** The reply line of a proxy that opened the tunnel. */
    public static final String ESTABLISHED = "HTTP/1.1 200 Connection established";

    /** What the proxy does once it has read a request head. */
    @FunctionalInterface
    private interface Behaviour {
        void answer(ScriptedServer.Conversation client, ReceivedRequest request) throws Exception;
    }

    private final ScriptedServer server;
    private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();

    private ScriptedProxy(Behaviour behaviour) {
        server = ScriptedServer.start(c -> {
            ReceivedRequest request = ReceivedRequest.parse(c.readHead());
            requests.add(request);
            behaviour.answer(c, request);
        });
    }

    /**
     * Answers every request with {@code statusLine} and these header lines (and {@code Content-Length: 0}), then reads
     * on until the client closes, recording whatever else it sends: 407, 403, 502, 302 and so on.
     */
    public static ScriptedProxy replying(String statusLine, String... headerLines) {
        return new ScriptedProxy((c, request) -> {
            c.send(head(statusLine, concat(headerLines, "Content-Length: 0")));
            c.readUntilClosed();
        });
    }

    /** An honest proxy: answers {@link #ESTABLISHED} plus {@code extraHeaderLines}, then relays. */
    public static ScriptedProxy relaying(String... extraHeaderLines) {
        return new ScriptedProxy((c, request) -> {
            Socket upstream = connectUpstream(c, request);
            if (upstream != null) {
                c.send(head(ESTABLISHED, extraHeaderLines));
                c.relayTo(upstream);
            }
        });
    }

    /**
     * An honest proxy that waits (up to five seconds) for the target's first bytes, an SMTP, POP3, IMAP or FTP greeting,
     * and writes them in one write with its {@code 200}, so they arrive in the same segment; then relays.
     */
    public static ScriptedProxy relayingWithGreeting() {
        return new ScriptedProxy((c, request) -> {
            Socket upstream = connectUpstream(c, request);
            if (upstream == null) {
                return;
            }
            byte[] head = head(ESTABLISHED).getBytes(StandardCharsets.US_ASCII);
            byte[] greeting = new byte[0];
            upstream.setSoTimeout(5_000);
            try {
                byte[] buffer = new byte[8192];
                int n = upstream.getInputStream().read(buffer);
                greeting = n > 0 ? Arrays.copyOf(buffer, n) : greeting;
            } catch (SocketTimeoutException e) {
                // a target that waits for the client (implicit TLS): the 200 goes alone
            }
            byte[] both = Arrays.copyOf(head, head.length + greeting.length);
            System.arraycopy(greeting, 0, both, head.length, greeting.length);
            c.sendBytes(both);
            c.relayTo(upstream);
        });
    }

    /**
     * Answers {@link #ESTABLISHED}, waits for the client's first bytes (its TLS ClientHello) and answers them with a
     * plaintext HTTP page, as a captive portal or a misconfigured proxy does.
     */
    public static ScriptedProxy plaintextAfterEstablished() {
        return new ScriptedProxy((c, request) -> {
            c.send(head(ESTABLISHED));
            c.readBytes(5); // the TLS record header of the ClientHello
            String page = "<html><body>Please log in</body></html>";
            c.send(head("HTTP/1.1 200 OK", "Content-Type: text/html", "Content-Length: " + page.length()) + page);
            c.readUntilClosed();
        });
    }

    /**
     * Answers {@link #ESTABLISHED} and then terminates TLS itself with {@code own} instead of reaching the target, as
     * an intercepting proxy does; a client that verifies the target's certificate refuses it.
     */
    public static ScriptedProxy terminatingTls(HeldCertificate own) {
        return new ScriptedProxy((c, request) -> {
            c.send(head(ESTABLISHED));
            try {
                c.startTls(own);
            } catch (IOException e) {
                return; // the client refused the certificate: what a test of this proxy expects
            }
            c.readUntilClosed();
        });
    }

    /** Answers a status line and then header lines without end, until the client closes. */
    public static ScriptedProxy endlessHeaders() {
        return new ScriptedProxy((c, request) -> {
            c.sendLine(ESTABLISHED);
            try {
                for (long i = 0; ; i++) {
                    c.sendLine("X-Filler-" + i + ": " + "f".repeat(64));
                }
            } catch (IOException e) {
                // the client gave up: what the test wants
            }
        });
    }

    /** Sends its {@link #ESTABLISHED} reply one byte per {@code interval}. */
    public static ScriptedProxy dripping(Duration interval) {
        return new ScriptedProxy((c, request) -> {
            try {
                c.drip(head(ESTABLISHED), interval);
            } catch (IOException e) {
                // the client gave up
            }
        });
    }

    /** The loopback port. */
    public int port() {
        return server.port();
    }

    /** The request heads the proxy read, in order. */
    public List<ReceivedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Every line clients sent that the proxy read, including the empty line that ends a request head. */
    public List<String> received() {
        return server.received();
    }

    /** Waits for the first connection's handling to end; see {@link ScriptedServer#awaitScript(Duration)}. */
    public void awaitScript(Duration timeout) {
        server.awaitScript(timeout);
    }

    @Override
    public void close() {
        server.close();
    }


    /**
     * Connects to the CONNECT target if it is on this machine; otherwise answers 403 (or 502 when the target cannot be
     * reached) and returns null.
     */
    private static Socket connectUpstream(ScriptedServer.Conversation c, ReceivedRequest request) throws IOException {
        int colon = request.target().lastIndexOf(':');
        String host = colon < 0 ? "" : request.target().substring(0, colon);
        if (!"CONNECT".equals(request.method()) || !("127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host))) {
            c.send(head("HTTP/1.1 403 Forbidden", "Content-Length: 0"));
            return null;
        }
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(request.target().substring(colon + 1))), 5_000);
            return upstream;
        } catch (IOException | NumberFormatException e) {
            upstream.close();
            c.send(head("HTTP/1.1 502 Bad Gateway", "Content-Length: 0"));
            return null;
        }
    }

    private static String head(String statusLine, String... headerLines) {
        StringBuilder b = new StringBuilder(statusLine).append("\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static String[] concat(String[] lines, String last) {
        String[] all = Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = last;
        return all;
    }
}
