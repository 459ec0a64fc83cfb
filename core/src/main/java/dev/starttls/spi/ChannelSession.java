package dev.starttls.spi;

import dev.starttls.Endpoint;
import dev.starttls.Handshake;
import dev.starttls.TlsSession;
import dev.starttls.UpgradeReport;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * The part of a {@link TlsSession} that is the same for every protocol: the channel it runs on, the capabilities the
 * server announced on it, and the report of how it came to be. A protocol's session extends this and adds its
 * commands and its polite {@link #close()}.
 *
 * <pre>{@code
 * public final class ToySession extends ChannelSession {
 *     ToySession(Channel channel, List<String> capabilities, UpgradeReport report) {
 *         super(channel, capabilities, report);
 *     }
 *     public void close() { ... channel().send("QUIT") ... channel().close(); }
 * }
 * }</pre>
 *
 * <p>Part of the SPI for protocol modules. Thread-safety is the subclass's to state.
 *
 * @since 0.1
 */
public abstract class ChannelSession implements TlsSession {
    private final Channel channel;
    private final List<String> capabilities;
    private final UpgradeReport report;

    protected ChannelSession(Channel channel, List<String> capabilities, UpgradeReport report) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.capabilities = List.copyOf(capabilities);
        this.report = Objects.requireNonNull(report, "report");
    }

    /** The channel the session runs on. */
    protected final Channel channel() {
        return channel;
    }

    /** Whether the connection is encrypted; {@code false} only after an opportunistic fallback. */
    @Override
    public final boolean isTls() {
        return channel.isTls();
    }

    /** What the handshake negotiated; empty for a plaintext session (opportunistic fallback). */
    @Override
    public final Optional<Handshake> handshake() {
        return channel.handshake();
    }

    /** The underlying socket: an {@link SSLSocket} when {@link #isTls()}. */
    @Override
    public final Socket socket() {
        return channel.socket();
    }

    /**
     * The TLS socket.
     *
     * @throws IllegalStateException if the session is plaintext (opportunistic fallback)
     */
    @Override
    public final SSLSocket sslSocket() {
        return channel.sslSocket();
    }

    @Override
    public final Endpoint endpoint() {
        return channel.endpoint();
    }

    /** What the server announced on this connection (inside TLS when TLS is on), as it sent it. */
    @Override
    public final List<String> capabilities() {
        return capabilities;
    }

    @Override
    public final UpgradeReport report() {
        return report;
    }

    /** {@code Name{host:port, handshake or plaintext, capabilities}} for logs. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + channel.peer() + ", "
                + (isTls() ? handshake().orElseThrow() : "plaintext") + ", capabilities=" + capabilities + '}';
    }
}
