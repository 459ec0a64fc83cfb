package dev.starttls.smtp;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.StartTls;
import java.net.Socket;

/**
 * TLS for SMTP: STARTTLS on a connection you already have (RFC 3207), implicit TLS on port 465 (RFC 8314), or both
 * connect and STARTTLS on 587 / 25. The one class to start from.
 *
 * <pre>{@code
 * Socket socket = new Socket("mail.example.com", 587);
 * try (SmtpSession smtp = SmtpTls.upgrade(socket, "mail.example.com", TlsPolicy.defaults())) { // ... EHLO again
 *     smtp.authPlain("alice", password);
 *     smtp.send("alice@example.com", List.of("bob@example.com"), message);
 * }
 * }</pre>
 *
 * <p>Secure by default: the certificate is verified against the host name, STARTTLS is required (its absence is
 * {@code STARTTLS_NOT_OFFERED}, a possible stripping attack), bytes injected after the server's {@code 220} fail the
 * upgrade, and only the capabilities the server announces after TLS are kept. Every failure is a
 * {@link TlsUpgradeException} and leaves the socket closed. Thread-safe: the methods are static and share nothing.
 *
 * @since 0.1
 */
public final class SmtpTls {
    /** The submission port, STARTTLS (RFC 6409). */
    public static final int SUBMISSION_PORT = 587;
    /** The submission port with implicit TLS (RFC 8314). */
    public static final int SUBMISSIONS_PORT = 465;

    private SmtpTls() {
    }

    /**
     * The upgrade on a freshly connected socket with {@link TlsPolicy#defaults()}, verifying the certificate against
     * the host name the socket was connected with ({@code new Socket("mail.example.com", port)}: that name, as given);
     * a socket connected to an address is verified against the address, never against a name from reverse DNS; a
     * {@code TunneledSocket} against its target. See {@link Endpoint#ofConnected(Socket)}.
     */
    public static SmtpSession upgrade(Socket connected) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected), TlsPolicy.defaults(), new SmtpDialogue());
    }

    /**
     * STARTTLS on a freshly connected socket: reads the greeting, sends EHLO, requires STARTTLS, upgrades, and sends
     * EHLO again.
     *
     * @param host the name to verify the server's certificate against
     */
    public static SmtpSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy,
                new SmtpDialogue());
    }

    /** Connects to {@code host:port} (587 or 25) and upgrades with STARTTLS. */
    public static SmtpSession connect(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connect(Endpoint.of(host, port), policy, new SmtpDialogue());
    }

    /** Connects with implicit TLS (port 465), then reads the greeting and sends EHLO. */
    public static SmtpSession connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connectImplicit(Endpoint.of(host, port), policy, new SmtpDialogue());
    }

    /**
     * Implicit TLS on a socket you already have, connected to an SMTPS port (for example through a proxy tunnel):
     * the handshake at once, then the greeting and EHLO inside TLS.
     *
     * @param host the name to verify the server's certificate against
     */
    public static SmtpSession implicit(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.implicit(connected, StartTls.endpoint(connected, host), policy,
                new SmtpDialogue());
    }
}
