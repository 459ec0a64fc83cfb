package dev.starttls.internal;

import dev.starttls.Deadline;
import dev.starttls.Handshake;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TlsUpgradeException;
import dev.starttls.Upgrader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * One side of a text protocol dialogue: a socket, its bounded line reader and its output, under a policy's limits and
 * deadlines. Protocol modules talk through this and never touch the socket's streams themselves. Not API.
 */
public final class Channel implements Closeable {
    private final Socket socket;
    private final LineReader reader;
    private final OutputStream out;
    private final TlsPolicy policy;
    private final String host;
    private final int port;
    private volatile boolean closed;

    /** One step of a dialogue that may fail. */
    @FunctionalInterface
    public interface Step<T> {
        T run() throws TlsUpgradeException;
    }

    private Channel(Socket socket, TlsPolicy policy, String host, int port) throws IOException {
        this.socket = socket;
        this.reader = LineReader.of(socket, policy);
        this.out = socket.getOutputStream();
        this.policy = policy;
        this.host = host;
        this.port = port;
    }

    /**
     * A channel on {@code socket} to the server the caller named {@code host} (the name certificates are checked
     * against) on {@code port}.
     *
     * @throws TlsUpgradeException {@code CLOSED} if the socket's streams cannot be had; the socket is then closed
     */
    public static Channel open(Socket socket, TlsPolicy policy, String host, int port) throws TlsUpgradeException {
        try {
            socket.setTcpNoDelay(true);
            return new Channel(socket, policy, host, port);
        } catch (IOException e) {
            Failures.closeQuietly(socket);
            throw Failures.of(e, "cannot use the connection to " + host + ":" + port);
        }
    }

    /**
     * The switch, once the server's go-ahead has been read: refuses pending plaintext, upgrades with the policy and
     * returns the channel on the TLS socket. This channel must not be used any more.
     */
    public Channel startTls() throws TlsUpgradeException {
        return open(Upgrader.of(policy).upgrade(reader, host, port), policy, host, port);
    }

    /**
     * What the handshake of this channel's TLS socket negotiated.
     *
     * @throws IllegalStateException if the channel is not TLS
     */
    public Handshake tlsHandshake() {
        if (!(socket instanceof SSLSocket)) {
            throw new IllegalStateException("the connection to " + peer() + " is not TLS");
        }
        return Handshake.of((SSLSocket) socket);
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

    public LineReader reader() {
        return reader;
    }

    public TlsPolicy policy() {
        return policy;
    }

    /** {@code host:port} of the server, for messages. */
    public String peer() {
        return host + ":" + port;
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

    /** Reads one SMTP-style numeric reply under a fresh deadline. */
    public NumericReply readNumericReply() throws TlsUpgradeException {
        return NumericReply.read(reader, replyDeadline(), policy.maxReplyLines());
    }

    @Override
    public void close() {
        closed = true;
        Failures.closeQuietly(socket);
    }
}
