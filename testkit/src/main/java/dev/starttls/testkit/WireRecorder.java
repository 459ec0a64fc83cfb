package dev.starttls.testkit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP relay on a free loopback port that records every byte passing each way, so a test can prove what an
 * eavesdropper between client and server would (not) see.
 *
 * <pre>{@code
 * try (WireRecorder wire = WireRecorder.start(new InetSocketAddress("127.0.0.1", server.port()))) {
 *     SmtpTls.connect("localhost", wire.port(), policy) ... authPlain("alice", "s3cret") ...
 *     assertFalse(wire.sawInClear("s3cret"));
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class WireRecorder implements Closeable {
    private final InetSocketAddress target;
    private final Acceptor acceptor;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();

    private WireRecorder(InetSocketAddress target) {
        this.target = target;
        try {
            this.acceptor = new Acceptor("wire-recorder", this::handle);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
    }

    /** Starts relaying connections on a free loopback port to {@code target}. */
    public static WireRecorder start(InetSocketAddress target) {
        return new WireRecorder(target);
    }

    /** The port clients connect to instead of the target's. */
    public int port() {
        return acceptor.port();
    }

    /** Every byte clients sent so far, all connections in arrival order. */
    public synchronized byte[] clientBytes() {
        return fromClient.toByteArray();
    }

    /** Every byte servers sent so far. */
    public synchronized byte[] serverBytes() {
        return fromServer.toByteArray();
    }

    /** Whether {@code text} (as UTF-8) appeared in either direction. */
    public boolean sawInClear(String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        return indexOf(clientBytes(), needle) >= 0 || indexOf(serverBytes(), needle) >= 0;
    }

    /** The client's bytes as ISO-8859-1 text, for assertion messages. */
    public String clientText() {
        return new String(clientBytes(), StandardCharsets.ISO_8859_1);
    }

    private void handle(Socket client) {
        Socket server = acceptor.track(new Socket());
        try {
            server.setTcpNoDelay(true);
            server.connect(target, 5_000);
            Relay.run(acceptor.executor(), client, server, this::record);
        } catch (IOException e) {
            // target unreachable: the client sees the close
        } finally {
            acceptor.untrack(server);
        }
    }

    private synchronized void record(boolean clientToServer, byte[] chunk) {
        (clientToServer ? fromClient : fromServer).write(chunk, 0, chunk.length);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        acceptor.close();
    }
}
