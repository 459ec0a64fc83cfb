package dev.starttls.http;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.spi.StartTls;
import java.net.Socket;
import java.util.Objects;

/**
 * TLS for HTTP, and HTTP CONNECT tunnels for every protocol: implicit TLS on 443 (RFC 9110 4.2.2), a tunnel through an
 * HTTP proxy (RFC 9110 9.3.6) that SMTP, POP3, IMAP, FTP or HTTPS can then run through, and, only when asked for by
 * name, the RFC 2817 in-place upgrade. The one class to start from.
 *
 * <pre>{@code
 * // HTTPS, offering ALPN http/1.1
 * try (HttpSession https = HttpTls.connectImplicit("www.example.com", 443, policy)) {
 *     HttpReply reply = https.get("/");
 * }
 *
 * // SMTP with STARTTLS through a corporate proxy: the certificate is checked against mail.example.com
 * HttpProxy proxy = HttpProxy.of("proxy.corp.example", 3128).withBasicAuth("alice", proxyPassword);
 * TunneledSocket tunnel = HttpTls.tunnel(proxy, "mail.example.com", 587, policy);
 * try (SmtpSession smtp = SmtpTls.upgrade(tunnel)) { ... }
 * }</pre>
 *
 * <p>Every failure is a {@link TlsUpgradeException} and leaves the connection closed; a proxy that will not open the
 * tunnel is {@code CONNECT} with its status in {@code replyCode()}. Hosts and ports are checked before anything is
 * written. Thread-safe: the methods are static and share nothing.
 *
 * @since 0.1
 */
public final class HttpTls {
    /** The HTTPS port (RFC 9110 4.2.2). */
    public static final int HTTPS_PORT = 443;
    /** The ALPN name of HTTP/1.1 (RFC 7301 6), offered on every TLS connection this class makes. */
    public static final String ALPN_HTTP_1_1 = "http/1.1";

    private HttpTls() {
    }

    /** Connects to {@code host:port} with implicit TLS, verifying {@code host} and offering ALPN {@code http/1.1}. */
    public static HttpSession connectImplicit(String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.connectImplicit(endpoint(host, port), policy, new HttpDialogue());
    }

    /**
     * Implicit TLS on a socket you already have (a {@link TunneledSocket}, typically), verifying {@code host} and
     * offering ALPN {@code http/1.1}.
     */
    public static HttpSession implicit(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        Endpoint endpoint = StartTls.endpoint(connected, host).withApplicationProtocols(ALPN_HTTP_1_1);
        return StartTls.implicit(connected, endpoint, policy, new HttpDialogue());
    }

    /**
     * Opens a tunnel to {@code targetHost:targetPort} through {@code proxy}: connects to the proxy, sends
     * {@code CONNECT targetHost:targetPort HTTP/1.1} with {@code Host} (and {@code Proxy-Authorization} when the proxy
     * has credentials), and accepts only a {@code 2xx}. The tunnel carries its target, so any protocol's
     * {@code upgrade(tunnel)} verifies the target's certificate, never the proxy's, and it replays the target's bytes
     * that arrived with the proxy's answer.
     *
     * @throws IllegalArgumentException for a target host with CR, LF, spaces, a userinfo part ({@code user@}) or a
     *     path, or a port outside 1..65535, before anything is written
     * @throws TlsUpgradeException {@code CONNECT} when the proxy cannot be reached or answers anything but a 2xx
     *     ({@code replyCode()} has the status: 407, 403, 502, a redirect, which is never followed); {@code PROTOCOL}
     *     for an answer that is not HTTP; {@code LIMIT} for an endless header block; {@code TIMEOUT} when the whole
     *     answer does not arrive within the policy's read timeout
     */
    public static TunneledSocket tunnel(HttpProxy proxy, String targetHost, int targetPort, TlsPolicy policy)
            throws TlsUpgradeException {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(policy, "policy");
        return Tunnel.open(proxy, targetHost, targetPort, policy);
    }

    /** HTTPS through a proxy: {@link #tunnel} to {@code host:port}, then {@link #implicit} on the tunnel. */
    public static HttpSession connectThrough(HttpProxy proxy, String host, int port, TlsPolicy policy)
            throws TlsUpgradeException {
        TunneledSocket tunnel = tunnel(proxy, host, port, policy);
        try {
            return implicit(tunnel, host, policy);
        } catch (TlsUpgradeException e) {
            if (e.failure() != Failure.HANDSHAKE) {
                throw e;
            }
            // garbage instead of TLS right after the proxy's 2xx is the proxy (or a captive portal) talking, not the
            // target on a wrong port
            throw new TlsUpgradeException(e.failure(), "through " + proxy + ", which answered 2xx to CONNECT: "
                    + e.getMessage() + " (if the bytes are HTTP, the proxy answered itself instead of tunnelling)",
                    e.reply().orElse(null), e.replyCode().orElse(-1), e);
        }
    }

    /**
     * The RFC 2817 upgrade, for the rare server that needs it (CUPS on 631 is nearly the only one): sends
     * {@code OPTIONS * HTTP/1.1} with {@code Upgrade: TLS/1.0} and {@code Connection: Upgrade}, accepts only
     * {@code 101 Switching Protocols} with {@code Upgrade: TLS/1.x}, then runs the TLS handshake on the same connection.
     * Any other answer fails with {@code STARTTLS_REFUSED} (its status in {@code replyCode()}) and nothing more is sent:
     * never a request in clear, whatever the policy's opportunistic setting.
     *
     * <p><b>Prefer implicit TLS.</b> Almost no client or server implements RFC 2817, an attacker on the path can strip
     * the upgrade (a server that ignores it answers in clear), and servers that accept it can be desynchronised: in the
     * Opossum attack (2025) a man in the middle mixes a plaintext exchange into the upgraded connection so that the
     * client reads a response that is not the one to its request; Apache httpd's mod_ssl had CVE-2025-49812 for this.
     * Use it only for a server you know speaks it.
     *
     * @param host the name to verify the server's certificate against
     */
    public static HttpSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        Endpoint endpoint = StartTls.endpoint(connected, host).withApplicationProtocols(ALPN_HTTP_1_1);
        return StartTls.upgrade(connected, endpoint, policy, new HttpDialogue());
    }

    private static Endpoint endpoint(String host, int port) {
        return Endpoint.of(host, port).withApplicationProtocols(ALPN_HTTP_1_1);
    }
}
