package dev.starttls.imap;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.StartTls;
import java.net.Socket;

/**
 * TLS for IMAP: STARTTLS on a connection you already have (RFC 3501 6.2.1, RFC 9051), implicit TLS on port 993
 * (RFC 8314), or both connect and STARTTLS on 143.
 *
 * <pre>{@code
 * try (ImapSession imap = ImapTls.upgrade(new Socket("mail.example.com", 143))) {
 *     imap.login("alice", password);
 *     int count = imap.select("INBOX");
 *     byte[] newest = imap.fetch(count);
 * }
 * }</pre>
 *
 * <p>STARTTLS is required unless the policy is opportunistic; a {@code PREAUTH} greeting (a session already
 * authenticated in clear) is refused; the STARTTLS tag is unpredictable, untagged data before its tagged OK is
 * discarded, and bytes after it fail the upgrade. Every failure is a {@link TlsUpgradeException} and leaves the socket
 * closed. Thread-safe: static methods only.
 *
 * @since 0.1
 */
public final class ImapTls {
    /** IMAP, upgraded with STARTTLS. */
    public static final int IMAP_PORT = 143;
    /** IMAP with implicit TLS. */
    public static final int IMAPS_PORT = 993;

    private ImapTls() {
    }

    /**
     * The upgrade on a freshly connected socket with {@link TlsPolicy#defaults()}, verifying the certificate against
     * the host name the socket was connected with ({@code new Socket("mail.example.com", port)}: that name, as given);
     * a socket connected to an address is verified against the address, never against a name from reverse DNS; a
     * {@code TunneledSocket} against its target. See {@link Endpoint#ofConnected(Socket)}.
     */
    public static ImapSession upgrade(Socket connected) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected), TlsPolicy.defaults(), new ImapDialogue());
    }

    /** STARTTLS on a freshly connected socket: greeting, capabilities, STARTTLS, handshake, CAPABILITY again. */
    public static ImapSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy, new ImapDialogue());
    }

    /** Connects to {@code host:port} (143) and upgrades with STARTTLS. */
    public static ImapSession connect(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connect(Endpoint.of(host, port), policy, new ImapDialogue());
    }

    /** Connects with implicit TLS (993), then reads the greeting and CAPABILITY. */
    public static ImapSession connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connectImplicit(Endpoint.of(host, port), policy, new ImapDialogue());
    }

    /**
     * Implicit TLS on a socket you already have, connected to an IMAPS port (for example through a proxy tunnel).
     *
     * @param host the name to verify the server's certificate against
     */
    public static ImapSession implicit(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.implicit(connected, StartTls.endpoint(connected, host), policy, new ImapDialogue());
    }
}
