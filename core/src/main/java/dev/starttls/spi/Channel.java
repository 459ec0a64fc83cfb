package dev.starttls.spi;

import dev.starttls.Deadline;
import dev.starttls.Endpoint;
import dev.starttls.Handshake;
import dev.starttls.LineReader;
import dev.starttls.TlsConnection;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.internal.Failures;
import dev.starttls.internal.Wire;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * One side of a text protocol dialogue: a socket, its bounded line reader and its output, under a policy's limits and
 * deadlines, talking to one {@link Endpoint}. Protocol modules talk through this and never touch the socket's streams
 * themselves.
 *
 * <pre>{@code
 * Channel plain = Channel.open(socket, policy, Endpoint.of("mail.example.com", 587));
 * NumericReply greeting = plain.readNumericReply();
 * plain.send("STARTTLS");
 * ...
 * Channel tls = plain.startTls();     // refuses pending plaintext, upgrades, measures the handshake
 * }</pre>
 *
 * <p>Part of the SPI for protocol modules, not for application code. Not thread-safe, except {@link #close()}.
 *
 * @since 0.1
 */
public final class Channel implements Closeable {
    private final Socket socket;
    private final LineReader reader;
    private final OutputStream out;
    private final TlsPolicy policy;
    private final Endpoint endpoint;
    private final Handshake handshake;
    private volatile boolean closed;

    /** One step of a dialogue that may fail. */
    @FunctionalInterface
    public interface Step<T> {
        T run() throws TlsUpgradeException;
    }

    private Channel(Socket socket, TlsPolicy policy, Endpoint endpoint, Handshake handshake) throws IOException {
        this.socket = socket;
        this.reader = LineReader.of(socket, policy, endpoint);
        this.out = socket.getOutputStream();
        this.policy = policy;
        this.endpoint = endpoint;
        this.handshake = handshake;
    }

    /**
     * A channel on {@code socket} (plain, or TLS that this library did not upgrade) to {@code endpoint}.
     *
     * @throws TlsUpgradeException {@code CLOSED} if the socket's streams cannot be had; the socket is then closed
     */
    public static Channel open(Socket socket, TlsPolicy policy, Endpoint endpoint) throws TlsUpgradeException {
        return open(socket, policy, endpoint, null);
    }

    /** A channel on a connection this library upgraded, keeping its measured handshake. */
    public static Channel open(TlsConnection tls, TlsPolicy policy, Endpoint endpoint) throws TlsUpgradeException {
        return open(tls.socket(), policy, verifiedEndpoint(tls, endpoint), tls.handshake());
    }

    /**
     * After the handshake of an {@link Endpoint#ofConnected} endpoint, the name JSSE verified is known: later
     * connections (FTP data) and messages use it.
     */
    private static Endpoint verifiedEndpoint(TlsConnection tls, Endpoint endpoint) {
        if (!endpoint.verifiesConnectedName()) {
            return endpoint;
        }
        try {
            return Endpoint.of(tls.socket().getSession().getPeerHost(), endpoint.port());
        } catch (RuntimeException e) {
            return endpoint;
        }
    }

    private static Channel open(Socket socket, TlsPolicy policy, Endpoint endpoint, Handshake handshake)
            throws TlsUpgradeException {
        try {
            socket.setTcpNoDelay(true);
            return new Channel(socket, policy, endpoint, handshake);
        } catch (IOException e) {
            Failures.closeQuietly(socket);
            throw Failures.of(e, "cannot use the connection to " + endpoint);
        }
    }

    /**
     * The switch, once the server's go-ahead has been read: refuses pending plaintext ({@code INJECTION}), upgrades
     * to this channel's endpoint and returns the channel on the TLS socket. This channel must not be used any more.
     */
    public Channel startTls() throws TlsUpgradeException {
        return open(Upgrader.of(policy).upgrade(reader, endpoint), policy, endpoint);
    }

    /** What the handshake of this channel's TLS socket negotiated; empty on a plaintext channel. */
    public Optional<Handshake> handshake() {
        if (handshake != null) {
            return Optional.of(handshake);
        }
        return socket instanceof SSLSocket ? Optional.of(Handshake.of((SSLSocket) socket)) : Optional.empty();
    }

    /** Whether this channel runs over TLS. */
    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    /** Runs {@code step}; if it fails, closes this channel before the failure propagates. */
    public <T> T closeOnFailure(Step<T> step) throws TlsUpgradeException {
        try {
            return step.run();
        } catch (TlsUpgradeException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether {@link #close()} was called (by the session or after a failure). */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Refuses to use a closed channel.
     *
     * @throws IllegalStateException naming the protocol, if closed
     */
    public void requireOpen(String protocol) {
        if (closed) {
            throw new IllegalStateException("the " + protocol + " session with " + peer() + " is closed");
        }
    }

    public Socket socket() {
        return socket;
    }

    /**
     * The TLS socket.
     *
     * @throws IllegalStateException naming the peer if the channel is not TLS
     */
    public SSLSocket sslSocket() {
        if (!(socket instanceof SSLSocket)) {
            throw new IllegalStateException("the connection to " + peer() + " is not TLS (opportunistic fallback)");
        }
        return (SSLSocket) socket;
    }

    public LineReader reader() {
        return reader;
    }

    public TlsPolicy policy() {
        return policy;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@code host:port} of the server as the caller named it, for messages. */
    public String peer() {
        return endpoint.toString();
    }

    /** A fresh deadline for one reply. */
    public Deadline replyDeadline() {
        return Deadline.after(policy.readTimeout());
    }

    /**
     * A deadline for the polite goodbye on close (QUIT, LOGOUT): the read timeout, but never more than two seconds, so
     * closing a session never hangs on a silent server.
     */
    public Deadline closingDeadline() {
        Duration wait = Duration.ofSeconds(2);
        return Deadline.after(policy.readTimeout().compareTo(wait) < 0 ? policy.readTimeout() : wait);
    }

    /**
     * Refuses to go on when credentials would leave in clear (an opportunistic session that fell back to plaintext).
     *
     * @throws TlsUpgradeException {@code STARTTLS_NOT_OFFERED} unless {@code socket()} is a TLS socket
     */
    public void requireTlsForCredentials() throws TlsUpgradeException {
        if (!(socket instanceof SSLSocket)) {
            throw new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED,
                    "refusing to send credentials to " + peer() + " in clear: the session is not encrypted");
        }
    }

    /** Sends one command line (already checked for CR/LF by the caller) in one write. */
    public void send(String line) throws TlsUpgradeException {
        try {
            Wire.writeLine(out, line);
        } catch (IOException e) {
            throw Failures.of(e, "cannot write to " + peer());
        }
    }

    /** Sends raw bytes (already framed) and flushes. */
    public void sendRaw(byte[] bytes) throws TlsUpgradeException {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw Failures.of(e, "cannot write to " + peer());
        }
    }

    /** Reads one line under {@code deadline}. */
    public String readLine(Deadline deadline) throws TlsUpgradeException {
        return reader.readLine(deadline);
    }

    /** Reads one SMTP-style numeric reply (RFC 5321 4.2: every line carries the code) under a fresh deadline. */
    public NumericReply readNumericReply() throws TlsUpgradeException {
        return NumericReply.read(reader, replyDeadline(), policy.maxReplyLines());
    }

    /**
     * Reads one FTP-style numeric reply (RFC 959 4.2: between {@code ddd-} and {@code ddd } the lines are free text)
     * under a fresh deadline.
     */
    public NumericReply readRfc959Reply() throws TlsUpgradeException {
        return NumericReply.readRfc959(reader, replyDeadline(), policy.maxReplyLines());
    }

    @Override
    public void close() {
        closed = true;
        Failures.closeQuietly(socket);
    }
}
