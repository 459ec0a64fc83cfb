package dev.starttls.pop3;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.StartTls;
import dev.starttls.internal.HostNames;
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
     * STLS on a freshly connected socket with {@link TlsPolicy#defaults()}, verifying the certificate against the
     * socket's IP address: a plain socket cannot prove which host name it was connected with, and a name from reverse
     * DNS is never used. To verify a host name (the usual case), pass it: {@code upgrade(socket, host, policy)}.
     */
    public static Pop3Session upgrade(Socket connected) throws TlsUpgradeException {
        return upgrade(connected, HostNames.connectedHost(connected), TlsPolicy.defaults());
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
