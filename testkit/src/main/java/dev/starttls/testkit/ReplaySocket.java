package dev.starttls.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * A socket without a network: it replays canned bytes as if a server sent them, then reports end of stream, and
 * records what the client writes. For fast parser and robustness tests (for example, feeding thousands of mutated
 * server transcripts to an upgrade) where a real server would add nothing.
 *
 * <pre>{@code
 * ReplaySocket socket = new ReplaySocket("220 ok\r\n250 no starttls\r\n".getBytes(US_ASCII));
 * assertThrows(TlsUpgradeException.class, () -> SmtpTls.upgrade(socket, "localhost", policy));
 * }</pre>
 *
 * <p>Not thread-safe.
 *
 * @since 0.1
 */
public final class ReplaySocket extends Socket {
    private final InputStream in;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /** A socket that will read {@code serverBytes}, then end of stream. */
    public ReplaySocket(byte[] serverBytes) {
        this.in = new ByteArrayInputStream(serverBytes.clone());
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return written;
    }

    /** Reports a loopback peer, so messages and host-name defaults have something to show. */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        return InetSocketAddress.createUnresolved("localhost", 25);
    }

    @Override
    public int getPort() {
        return 25;
    }

    /** Everything the client wrote so far. */
    public byte[] written() {
        return written.toByteArray();
    }
}
