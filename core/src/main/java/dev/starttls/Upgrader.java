package dev.starttls;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.AlertFirstSocket;
import dev.starttls.internal.Failures;
import dev.starttls.internal.LayeredSocket;
import dev.starttls.internal.Wire;
import dev.starttls.internal.Watchdog;
import dev.starttls.internal.Wire;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocket;

/**
 * The switch from plaintext to TLS, on both sides: wraps an already-connected socket with
 * {@code SSLSocketFactory.createSocket(socket, host, port, true)}, applies the policy (protocols, suites, SNI, host name
 * verification), runs the handshake under its deadline, and closes everything on failure.
 *
 * <pre>{@code
 * Upgrader upgrader = Upgrader.of(TlsPolicy.defaults());
 * // ... plaintext dialogue on `reader` up to the server's go-ahead ...
 * TlsConnection tls = upgrader.upgrade(reader, Endpoint.of("mail.example.com", 587)); // refuses injected bytes
 * Handshake handshake = tls.handshake();
 * }</pre>
 *
 * <p>Protocol modules ({@code SmtpTls}, ...) call this after their dialogue; application code rarely needs it directly,
 * except for protocols this library does not know and for servers. Every failure is a {@link TlsUpgradeException} and
 * leaves the socket closed. Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class Upgrader {
    private static final System.Logger LOG = System.getLogger(Upgrader.class.getName());

    private final TlsPolicy policy;

    private Upgrader(TlsPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** An upgrader that applies {@code policy}. */
    public static Upgrader of(TlsPolicy policy) {
        return new Upgrader(policy);
    }

    /** The policy this upgrader applies. */
    public TlsPolicy policy() {
        return policy;
    }

    /**
     * Upgrades after a plaintext dialogue read through {@code reader}: refuses with {@code INJECTION} if any byte is
     * pending after the server's go-ahead, then {@linkplain #upgrade(Socket, Endpoint) upgrades} the reader's socket.
     * The reader must not be used afterwards.
     */
    public TlsConnection upgrade(LineReader reader, Endpoint endpoint) throws TlsUpgradeException {
        Socket plain = reader.socket();
        try {
            if (reader.hasPendingInput()) {
                throw new TlsUpgradeException(Failure.INJECTION, "plaintext arrived from " + endpoint
                        + " after the go-ahead and before the TLS handshake (" + reader.buffered()
                        + "+ bytes): possible command injection, refusing to upgrade");
            }
        } catch (TlsUpgradeException e) {
            Failures.closeQuietly(plain);
            throw e;
        }
        return upgrade(plain, endpoint);
    }

    /** {@link #upgrade(LineReader, Endpoint)} to {@code Endpoint.of(host, port)}, returning the TLS socket. */
    public SSLSocket upgrade(LineReader reader, String host, int port) throws TlsUpgradeException {
        return upgrade(reader, Endpoint.of(host, port)).socket();
    }

    /**
     * Wraps a connected plain socket as a TLS client and completes the handshake, verifying the certificate against the
     * endpoint's name (an IP literal is matched against IP subjectAltNames), sending its SNI and ALPN, and keying the
     * session cache on its {@linkplain Endpoint#resumeAs(String, int) resumption key}.
     *
     * @return the TLS socket with the handshake measured for this connection
     * @throws TlsUpgradeException {@code CERTIFICATE}, {@code HANDSHAKE}, {@code TIMEOUT} or {@code CLOSED}; the socket
     *     is closed
     */
    public TlsConnection upgrade(Socket plain, Endpoint endpoint) throws TlsUpgradeException {
        Objects.requireNonNull(plain, "plain");
        Objects.requireNonNull(endpoint, "endpoint");
        SSLSocket tls;
        // JDK 17 finds a session to resume by (host, underlying socket's getPort()): the wrapper reports the
        // resumption port; it also keeps the first bytes received, to explain a server that answers in clear.
        LayeredSocket layered = new LayeredSocket(plain, endpoint.resumptionPort());
        try {
            plain.setTcpNoDelay(true);
            // A null host makes JSSE use the name the socket was connected with, exactly as the caller gave it, and
            // never a reverse-DNS name: the JDK exposes that name nowhere else (Endpoint.ofConnected).
            tls = (SSLSocket) policy.sslContext().getSocketFactory().createSocket(layered,
                    endpoint.verifiesConnectedName() ? null : endpoint.resumptionHost(), endpoint.resumptionPort(), true);
            tls.setUseClientMode(true);
            tls.setSSLParameters(policy.clientParameters(endpoint));
        } catch (IOException | RuntimeException e) {
            Failures.closeQuietly(plain);
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw Failures.of((IOException) e, "cannot layer TLS on the connection to " + endpoint);
        }
        return handshake(tls, plain, "with " + endpoint, layered);
    }

    /**
     * {@link #upgrade(Socket, Endpoint)} to {@code Endpoint.of(host, port)}, returning the TLS socket alone.
     *
     * @param host the name to verify the certificate against and to send as SNI
     * @param port the server's port, for messages (the session cache is keyed on the socket's own peer port)
     */
    public SSLSocket upgrade(Socket plain, String host, int port) throws TlsUpgradeException {
        Objects.requireNonNull(plain, "plain");
        return upgrade(plain, Endpoint.of(host, port)).socket();
    }

    /**
     * Connects to {@code host:port} and completes a TLS handshake at once (implicit TLS: SMTPS 465, IMAPS 993, POP3S
     * 995, FTPS 990, HTTPS 443).
     */
    public SSLSocket connect(String host, int port) throws TlsUpgradeException {
        return connect(Endpoint.of(host, port)).socket();
    }

    /** Connects to the endpoint and completes a TLS handshake at once (implicit TLS). */
    public TlsConnection connect(Endpoint endpoint) throws TlsUpgradeException {
        return upgrade(connectPlain(endpoint.host(), endpoint.port()), endpoint);
    }

    /**
     * Opens a plain TCP connection with the policy's connect timeout and {@code TCP_NODELAY}.
     *
     * @throws TlsUpgradeException {@code CONNECT} or {@code TIMEOUT}
     * @throws IllegalArgumentException for a port outside 0-65535, before any socket is made
     */
    public Socket connectPlain(String host, int port) throws TlsUpgradeException {
        Endpoint.of(host, port); // checks host and port before a socket exists
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), socketMillis(policy.connectTimeout()));
            return socket;
        } catch (RuntimeException e) {
            Failures.closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            Failures.closeQuietly(socket);
            TlsUpgradeException failure = Failures.of(e, "cannot connect to " + host + ":" + port);
            throw failure.failure() == Failure.CLOSED
                    ? new TlsUpgradeException(Failure.CONNECT, failure.getMessage(), e) : failure;
        }
    }

    /**
     * The server side of implicit TLS: wraps a socket just returned by {@code accept()} and completes the handshake,
     * presenting the policy's {@linkplain TlsPolicy.Builder#serverCertificate server certificate}.
     */
    public SSLSocket acceptImplicit(Socket accepted) throws TlsUpgradeException {
        Objects.requireNonNull(accepted, "accepted");
        if (!policy.hasIdentity()) {
            Failures.closeQuietly(accepted);
            throw new IllegalStateException("the policy has no server certificate: use serverCertificate(...)");
        }
        SSLSocket tls;
        // if the handshake fails, JSSE's close of this wrapper lets the alert reach the client before any reset
        AlertFirstSocket layer = new AlertFirstSocket(accepted);
        try {
            accepted.setTcpNoDelay(true);
            tls = (SSLSocket) policy.sslContext().getSocketFactory().createSocket(layer, null, true);
            tls.setUseClientMode(false);
            tls.setSSLParameters(policy.serverParameters());
        } catch (IOException e) {
            Failures.closeQuietly(accepted);
            throw Failures.of(e, "cannot layer TLS on the connection from " + accepted.getRemoteSocketAddress());
        }
        SSLSocket established = handshake(tls, accepted, "with client " + accepted.getRemoteSocketAddress(), null)
                .socket();
        layer.established();
        return established;
    }

    /**
     * The server side of a mid-protocol upgrade, called once the client's upgrade command has been read through
     * {@code reader}: discards anything the client pipelined after the command (CVE-2011-0411: it must never be
     * executed, neither before nor after the switch), sends {@code goAheadLine} (for example {@code "220 2.0.0 Ready
     * to start TLS"}), then completes the handshake as {@link #acceptImplicit(Socket)} does.
     *
     * @throws IllegalArgumentException if {@code goAheadLine} contains CR, LF or NUL (nothing is written, the
     *     connection is closed)
     */
    public SSLSocket acceptUpgrade(LineReader reader, String goAheadLine) throws TlsUpgradeException {
        Socket plain = reader.socket();
        try {
            Wire.requireSafe("goAheadLine", goAheadLine); // before anything is read or written
        } catch (RuntimeException e) {
            Failures.closeQuietly(plain);
            throw e;
        }
        try {
            int discarded = reader.discardPendingInput();
            if (discarded > 0) {
                LOG.log(Level.WARNING, "discarded {0} bytes that {1} pipelined after its upgrade command",
                        discarded, plain.getRemoteSocketAddress());
            }
            Wire.writeLine(plain.getOutputStream(), goAheadLine);
        } catch (IOException e) {
            Failures.closeQuietly(plain);
            throw Failures.of(e, "cannot send the go-ahead to " + plain.getRemoteSocketAddress());
        }
        return acceptImplicit(plain);
    }

    /** Runs the handshake under the policy's deadline; on failure closes both sockets and throws the mapped kind. */
    private TlsConnection handshake(SSLSocket tls, Socket plain, String where, LayeredSocket layered)
            throws TlsUpgradeException {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        // The watchdog closes the plain socket, not the TLS one: that unblocks any read or write at once, while
        // SSLSocket.close() may itself block (close_notify), and the watchdog thread is shared.
        Watchdog.Guard deadline = Watchdog.closeAfter(plain, policy.handshakeTimeout());
        IOException failure = null;
        try {
            tls.setSoTimeout(socketMillis(policy.handshakeTimeout()));
            tls.startHandshake();
            tls.setSoTimeout(socketMillis(policy.readTimeout()));
        } catch (IOException e) {
            failure = e;
        }
        boolean timedOut = deadline.cancel(); // fired: the watchdog closed the socket, whatever startHandshake said
        if (failure != null || timedOut) {
            Failures.closeQuietly(tls, plain);
            if (timedOut) {
                throw new TlsUpgradeException(Failure.TIMEOUT, "TLS handshake " + where + " did not complete within "
                        + policy.handshakeTimeout().toMillis() + " ms", failure);
            }
            throw explainPlaintext(Failures.of(failure, "TLS handshake " + where + " failed"), layered);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        // A session created before this handshake began was resumed, not negotiated now.
        boolean resumed = tls.getSession().getCreationTime() < startMillis;
        Handshake handshake = Handshake.of(tls, resumed, duration);
        LOG.log(Level.DEBUG, () -> "TLS handshake " + where + ": " + handshake);
        return new TlsConnection(tls, handshake);
    }

    /** A server that answers a ClientHello with a protocol line was spoken to in the wrong mode: say so. */
    private static TlsUpgradeException explainPlaintext(TlsUpgradeException failure, LayeredSocket layered) {
        String line = layered == null ? "" : layered.firstLineIfText();
        if (failure.failure() != Failure.HANDSHAKE || line.isEmpty()) {
            return failure;
        }
        String hint = layered.delegate() instanceof TunneledSocket
                ? "the proxy, or the server behind it, answered in clear instead of TLS"
                : "this looks like a plaintext or STARTTLS port: use connect/upgrade (STARTTLS) instead of "
                        + "connectImplicit";
        return new TlsUpgradeException(Failure.HANDSHAKE, failure.getMessage() + ": the server sent "
                + Wire.quote(line) + " in clear instead of TLS; " + hint, failure.getCause());
    }

    /** A timeout for {@code setSoTimeout}: at least 1 ms (0 would mean forever), at most {@code Integer.MAX_VALUE}. */
    private static int socketMillis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }
}
