package dev.starttls.ftp;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.StartTls;
import java.net.Socket;
import java.util.Objects;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * TLS for FTP: {@code AUTH TLS} on a connection you already have (RFC 4217), implicit FTPS on port 990, or connect and
 * {@code AUTH TLS} on port 21; every data connection is TLS too, verified against the same host and resuming the
 * control connection's session, as vsftpd and ProFTPD require. The one class to start from.
 *
 * <pre>{@code
 * try (FtpSession ftp = FtpTls.connect("ftp.example.com", 21, TlsPolicy.defaults())) {
 *     ftp.login("alice", password);                         // refused on a plaintext session
 *     ftp.retrieve("reports/2024.csv", Path.of("2024.csv"));  // a TLS data connection that resumed the session
 *     System.out.println(ftp.lastDataHandshake().orElseThrow().resumed());   // true
 * }
 * }</pre>
 *
 * <p>Secure by default: only a {@code 234} answer to {@code AUTH TLS} is a go-ahead (a {@code 334} or anything else
 * fails with {@code STARTTLS_REFUSED}; {@code 500}/{@code 502}/{@code 504}/{@code 534} are refusals, the only answers
 * an opportunistic policy falls back on), bytes injected after the {@code 234} fail the upgrade, {@code PROT P} is
 * required, and a download that ends without TLS {@code close_notify} or without the server's {@code 226} is a
 * failure, never a complete file. Every failure is a {@link TlsUpgradeException} and leaves the socket closed.
 * Thread-safe: the methods are static and share nothing.
 *
 * @since 0.1
 */
public final class FtpTls {
    /** The FTP control port (explicit TLS with {@code AUTH TLS}). */
    public static final int PORT = 21;
    /** The implicit FTPS port. */
    public static final int IMPLICIT_PORT = 990;

    private FtpTls() {
    }

    /**
     * The upgrade on a freshly connected socket with {@link TlsPolicy#defaults()}, verifying the certificate against
     * the host name the socket was connected with ({@code new Socket("mail.example.com", port)}: that name, as given);
     * a socket connected to an address is verified against the address, never against a name from reverse DNS; a
     * {@code TunneledSocket} against its target. See {@link Endpoint#ofConnected(Socket)}.
     */
    public static FtpSession upgrade(Socket connected) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected), TlsPolicy.defaults(), new FtpDialogue(DataProtection.PRIVATE));
    }

    /**
     * {@code AUTH TLS} on a freshly connected socket: reads the greeting, upgrades, sends {@code PBSZ 0},
     * {@code PROT P} and {@code FEAT}.
     *
     * @param host the name to verify the server's certificate against (control and data connections)
     */
    public static FtpSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return upgrade(connected, host, policy, DataProtection.PRIVATE);
    }

    /** {@link #upgrade(Socket, String, TlsPolicy)} with a choice about clear data connections. */
    public static FtpSession upgrade(Socket connected, String host, TlsPolicy policy, DataProtection protection)
            throws TlsUpgradeException {
        Objects.requireNonNull(protection, "protection");
        return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy, new FtpDialogue(protection));
    }

    /** Connects to {@code host:port} (usually 21) and upgrades with {@code AUTH TLS}. */
    public static FtpSession connect(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return connect(host, port, policy, DataProtection.PRIVATE);
    }

    /** {@link #connect(String, int, TlsPolicy)} with a choice about clear data connections. */
    public static FtpSession connect(String host, int port, TlsPolicy policy, DataProtection protection)
            throws TlsUpgradeException {
        Objects.requireNonNull(protection, "protection");
        return StartTls.connect(Endpoint.of(host, port), policy, new FtpDialogue(protection));
    }

    /** Connects with implicit TLS (port 990), then reads the greeting and sends {@code PBSZ 0}, {@code PROT P}, FEAT. */
    public static FtpSession connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connectImplicit(Endpoint.of(host, port), policy, new FtpDialogue(DataProtection.PRIVATE));
    }

    /** Implicit TLS on a socket the caller connected (a proxy tunnel, for example). */
    public static FtpSession implicit(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.implicit(connected, StartTls.endpoint(connected, host), policy,
                new FtpDialogue(DataProtection.PRIVATE));
    }

    /**
     * A Commons Net {@link FTPSClient} (explicit TLS, {@code AUTH TLS}) that follows {@code policy}: certificates and
     * host names verified on the control and data connections, {@code TCP_NODELAY}, {@code PBSZ 0} and {@code PROT P}
     * sent on connect, bytes injected after {@code 234} refused, passive data connections made to the control
     * connection's peer (the address in a PASV reply is ignored) and resuming the control connection's TLS session,
     * without reflection. For code that keeps using Commons Net; needs {@code commons-net} 3.12 and {@code commons-io}
     * on the class path (optional dependencies of this module).
     *
     * <pre>{@code
     * FTPSClient ftps = FtpTls.commonsNet(policy);
     * ftps.connect("ftp.example.com", 21);      // the host name is the one verified
     * ftps.login("alice", password);
     * ftps.enterLocalPassiveMode();
     * ftps.retrieveFile("big.bin", out);
     * }</pre>
     *
     * <p>A data connection's reads wait {@code setDataTimeout} if set, else the policy's read timeout (never forever:
     * a data timeout of 0, Commons Net's "infinite", also means the policy's). Active mode ({@code PORT}/{@code EPRT})
     * is Commons Net's own, without session resumption. A new client per call; like every Commons Net client, not
     * thread-safe.
     */
    public static FTPSClient commonsNet(TlsPolicy policy) {
        return CommonsNetFtps.create(policy, false); // the adapter class loads only here (Commons Net is optional)
    }

    /** {@link #commonsNet(TlsPolicy)} for implicit FTPS (port 990). */
    public static FTPSClient commonsNetImplicit(TlsPolicy policy) {
        return CommonsNetFtps.create(policy, true);
    }
}
