package dev.starttls;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Failures;
import dev.starttls.internal.HostNames;
import dev.starttls.internal.Watchdog;
import dev.starttls.internal.Wire;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * SSLSocket tls = upgrader.upgrade(reader, "mail.example.com", 587);   // refuses bytes injected after the go-ahead
 * Handshake handshake = Handshake.of(tls);
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
     * pending after the server's go-ahead, then {@linkplain #upgrade(Socket, String, int) upgrades} the reader's socket.
     * The reader must not be used afterwards.
     */
    public SSLSocket upgrade(LineReader reader, String host, int port) throws TlsUpgradeException {
        Socket plain = reader.socket();
        try {
            if (reader.hasPendingInput()) {
                throw new TlsUpgradeException(Failure.INJECTION, "plaintext arrived from " + reader.peer()
                        + " after the go-ahead and before the TLS handshake (" + reader.buffered()
                        + "+ bytes): possible command injection, refusing to upgrade");
            }
        } catch (TlsUpgradeException e) {
            Failures.closeQuietly(plain);
            throw e;
        }
        return upgrade(plain, host, port);
    }

    /**
     * Wraps a connected plain socket as a TLS client and completes the handshake, verifying the certificate against
     * {@code host} (the name the caller asked for; an IP literal is matched against IP subjectAltNames).
     *
     * @param port the server's port; with {@code host} it is the key JSSE uses to find a session to resume
     * @throws TlsUpgradeException {@code CERTIFICATE}, {@code HANDSHAKE}, {@code TIMEOUT} or {@code CLOSED}; the socket
     *     is closed
     */
    public SSLSocket upgrade(Socket plain, String host, int port) throws TlsUpgradeException {
        Objects.requireNonNull(plain, "plain");
        requireHost(host);
        host = HostNames.unbracket(host); // "[::1]" is matched against the IP SAN ::1
        SSLSocket tls;
        try {
            plain.setTcpNoDelay(true);
            tls = (SSLSocket) policy.sslContext().getSocketFactory().createSocket(plain, host, port, true);
            tls.setUseClientMode(true);
            tls.setSSLParameters(policy.clientParameters(host));
        } catch (IOException e) {
            Failures.closeQuietly(plain);
            throw Failures.of(e, "cannot layer TLS on the connection to " + host + ":" + port);
        }
        handshake(tls, plain, "with " + host + ":" + port);
        return tls;
    }

    /**
     * Connects to {@code host:port} and completes a TLS handshake at once (implicit TLS: SMTPS 465, IMAPS 993, POP3S
     * 995, FTPS 990, HTTPS 443).
     */
    public SSLSocket connect(String host, int port) throws TlsUpgradeException {
        return upgrade(connectPlain(host, port), host, port);
    }

    /**
     * Opens a plain TCP connection with the policy's connect timeout and {@code TCP_NODELAY}.
     *
     * @throws TlsUpgradeException {@code CONNECT} or {@code TIMEOUT}
     * @throws IllegalArgumentException for a port outside 0-65535, before any socket is made
     */
    public Socket connectPlain(String host, int port) throws TlsUpgradeException {
        requireHost(host);
        if (port < 0 || port > 0xFFFF) { // before a socket exists: nothing to leak
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) policy.connectTimeout().toMillis());
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
        try {
            accepted.setTcpNoDelay(true);
            tls = (SSLSocket) policy.sslContext().getSocketFactory().createSocket(accepted, null, true);
            tls.setUseClientMode(false);
            tls.setSSLParameters(policy.serverParameters());
        } catch (IOException e) {
            Failures.closeQuietly(accepted);
            throw Failures.of(e, "cannot layer TLS on the connection from " + accepted.getRemoteSocketAddress());
        }
        handshake(tls, accepted, "with client " + accepted.getRemoteSocketAddress());
        return tls;
    }

    /**
     * The server side of a mid-protocol upgrade, called once the client's upgrade command has been read through
     * {@code reader}: discards anything the client pipelined after the command (CVE-2011-0411: it must never be
     * executed, neither before nor after the switch), sends {@code goAheadLine} (for example {@code "220 2.0.0 Ready
     * to start TLS"}), then completes the handshake as {@link #acceptImplicit(Socket)} does.
     */
    public SSLSocket acceptUpgrade(LineReader reader, String goAheadLine) throws TlsUpgradeException {
        Socket plain = reader.socket();
        try {
            int discarded = reader.discardPendingInput();
            if (discarded > 0) {
                LOG.log(Level.WARNING, "discarded {0} bytes that {1} pipelined after its upgrade command",
                        discarded, plain.getRemoteSocketAddress());
            }
            Wire.writeLine(plain.getOutputStream(), Wire.requireSafe("goAheadLine", goAheadLine));
        } catch (IOException e) {
            Failures.closeQuietly(plain);
            throw Failures.of(e, "cannot send the go-ahead to " + plain.getRemoteSocketAddress());
        }
        return acceptImplicit(plain);
    }

    /** Runs the handshake under the policy's deadline; on failure closes both sockets and throws the mapped kind. */
    private void handshake(SSLSocket tls, Socket plain, String where) throws TlsUpgradeException {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        // The watchdog closes the plain socket, not the TLS one: that unblocks any read or write at once, while
        // SSLSocket.close() may itself block (close_notify), and the watchdog thread is shared.
        Watchdog.Guard deadline = Watchdog.closeAfter(plain, policy.handshakeTimeout());
        IOException failure = null;
        try {
            tls.setSoTimeout((int) Math.max(1, policy.handshakeTimeout().toMillis()));
            tls.startHandshake();
            tls.setSoTimeout((int) Math.max(1, policy.readTimeout().toMillis()));
        } catch (IOException e) {
            failure = e;
        }
        boolean timedOut = deadline.cancel(); // fired: the watchdog closed the socket, whatever startHandshake said
        if (failure != null || timedOut) {
            Failures.closeQuietly(tls, plain);
            throw timedOut
                    ? new TlsUpgradeException(Failure.TIMEOUT, "TLS handshake " + where + " did not complete within "
                            + policy.handshakeTimeout().toMillis() + " ms", failure)
                    : Failures.of(failure, "TLS handshake " + where + " failed");
        }
        long nanos = System.nanoTime() - startNanos;
        var session = tls.getSession();
        // A session created before this handshake began was resumed, not negotiated now.
        boolean resumed = session.getCreationTime() < startMillis;
        session.putValue(Handshake.DURATION_KEY, nanos);
        session.putValue(Handshake.RESUMED_KEY, resumed);
        LOG.log(Level.DEBUG, () -> "TLS handshake " + where + ": " + session.getProtocol() + " "
                + session.getCipherSuite() + (resumed ? " (resumed)" : "") + " in " + nanos / 1_000_000 + " ms");
    }

    private static void requireHost(String host) {
        Objects.requireNonNull(host, "host: the name to verify the certificate against is required");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank: it is the name the certificate is checked against");
        }
    }
}
