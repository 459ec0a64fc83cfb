package dev.starttls.pop3;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.StartTls;
import java.net.Socket;

/**
 * TLS for POP3: STLS on a connection you already have (RFC 2595 section 4), implicit TLS on port 995 (RFC 8314), or
 * both connect and STLS on 110.
 *
 * <pre>{@code
 * try (Pop3Session pop3 = Pop3Tls.upgrade(new Socket("mail.example.com", 110))) {
 *     pop3.login("alice", password);                    // USER/PASS only ever inside verified TLS
 *     byte[] first = pop3.retrieve(1);
 * }
 * }</pre>
 *
 * <p>STLS is required unless the policy is opportunistic; no USER, PASS, APOP or AUTH is ever sent before TLS is
 * verified. Every failure is a {@link TlsUpgradeException} and leaves the socket closed. Thread-safe: static methods
 * only.
 *
 * @since 0.1
 */
public final class Pop3Tls {
    /** POP3, upgraded with STLS. */
    public static final int POP3_PORT = 110;
    /** POP3 with implicit TLS. */
    public static final int POP3S_PORT = 995;

    private Pop3Tls() {
    }

    /**
     * The upgrade on a freshly connected socket with {@link TlsPolicy#defaults()}, verifying the certificate against
     * the host name the socket was connected with ({@code new Socket("mail.example.com", port)}: that name, as given);
     * a socket connected to an address is verified against the address, never against a name from reverse DNS; a
     * {@code TunneledSocket} against its target. See {@link Endpoint#ofConnected(Socket)}.
     */
    public static Pop3Session upgrade(Socket connected) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected), TlsPolicy.defaults(), new Pop3Dialogue());
    }

    /** STLS on a freshly connected socket: greeting, CAPA, STLS, handshake, CAPA again. */
    public static Pop3Session upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy, new Pop3Dialogue());
    }

    /** Connects to {@code host:port} (110) and upgrades with STLS. */
    public static Pop3Session connect(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connect(Endpoint.of(host, port), policy, new Pop3Dialogue());
    }

    /** Connects with implicit TLS (995), then reads the greeting and CAPA. */
    public static Pop3Session connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connectImplicit(Endpoint.of(host, port), policy, new Pop3Dialogue());
    }

    /**
     * Implicit TLS on a socket you already have, connected to a POP3S port (for example through a proxy tunnel).
     *
     * @param host the name to verify the server's certificate against
     */
    public static Pop3Session implicit(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.implicit(connected, StartTls.endpoint(connected, host), policy, new Pop3Dialogue());
    }
}
