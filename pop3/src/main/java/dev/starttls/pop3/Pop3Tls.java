package dev.starttls.pop3;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.Upgrader;
import dev.starttls.internal.HostNames;
import java.net.Socket;
import java.util.Objects;

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
        Objects.requireNonNull(connected, "connected");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(policy, "policy");
        return Pop3Dialogue.startTls(connected, host, policy);
    }

    /** Connects to {@code host:port} (110) and upgrades with STLS. */
    public static Pop3Session connect(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return upgrade(Upgrader.of(policy).connectPlain(host, port), host, policy);
    }

    /** Connects with implicit TLS (995), then reads the greeting and CAPA. */
    public static Pop3Session connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        Objects.requireNonNull(policy, "policy");
        return Pop3Dialogue.implicit(Upgrader.of(policy).connect(host, port), host, port, policy);
    }
}
