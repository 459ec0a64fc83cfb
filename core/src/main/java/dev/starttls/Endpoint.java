package dev.starttls;

import dev.starttls.internal.HostNames;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;

/**
 * What one TLS connection verifies and asks for: the name the certificate must match, the SNI name sent, the key under
 * which a TLS session is cached and resumed, the ALPN protocols offered and the identification algorithm. The
 * {@link TlsPolicy} says how every connection is secured; the endpoint says who this one connection talks to.
 *
 * <pre>{@code
 * // an FTPS data connection that must resume the control connection's TLS session
 * Endpoint data = Endpoint.of("ftp.example.com", dataPort).resumeAs("ftp.example.com", 21);
 * TlsConnection tls = Upgrader.of(policy).upgrade(dataSocket, data);
 * assert tls.handshake().resumed();
 *
 * // HTTPS with ALPN for this connection only, without a new policy (and so without losing resumption)
 * Endpoint web = Endpoint.of("www.example.com", 443).withApplicationProtocols("http/1.1");
 * }</pre>
 *
 * <p>The host is checked when the endpoint is made, before anything is written to any connection: it must be a host
 * name or an IP literal ({@code 192.0.2.1}, {@code ::1} or {@code [::1]}) with no space, CR, LF or NUL. A name that
 * SNI cannot carry (an underscore, as in {@code mail_relay.example}) gets no SNI but is still verified.
 *
 * <p>Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class Endpoint {
    /** How the certificate's names are matched against the host (RFC 6125 profiles as JSSE names them). */
    public enum Identification {
        /** RFC 2818 / RFC 6125 rules: the mail, FTP and web default. */
        HTTPS,
        /** RFC 4513 rules, for LDAP over TLS. */
        LDAPS
    }

    private final String host;
    private final int port;
    private final String serverName;
    private final String resumptionHost;
    private final int resumptionPort;
    private final List<String> applicationProtocols;
    private final Identification identification;
    private final boolean connectedName;

    private Endpoint(String host, int port, String serverName, String resumptionHost, int resumptionPort,
            List<String> applicationProtocols, Identification identification) {
        this(host, port, serverName, resumptionHost, resumptionPort, applicationProtocols, identification, false);
    }

    private Endpoint(String host, int port, String serverName, String resumptionHost, int resumptionPort,
            List<String> applicationProtocols, Identification identification, boolean connectedName) {
        this.connectedName = connectedName;
        this.host = host;
        this.port = port;
        this.serverName = serverName;
        this.resumptionHost = resumptionHost;
        this.resumptionPort = resumptionPort;
        this.applicationProtocols = applicationProtocols;
        this.identification = identification;
    }

    /**
     * The server {@code host} on {@code port}; the certificate is verified against {@code host}, SNI carries it (unless
     * it is an IP literal), and the session is cached under it.
     *
     * @throws IllegalArgumentException for a blank or malformed host or a port outside 0..65535, naming it
     */
    public static Endpoint of(String host, int port) {
        String name = requireHost("host", host);
        return new Endpoint(name, requirePort(port), null, name, port, null, Identification.HTTPS);
    }

    /**
     * The server a connected socket reaches, verified against the host name the socket was connected with: the name
     * the caller gave when it resolved the address ({@code new Socket("mail.example.com", 587)}), as the JDK recorded
     * it; for a socket connected to an address, that address, never a name that reverse DNS returned (an attacker on
     * the path controls PTR answers). For a {@link TunneledSocket}, its target. {@link #host()} is the address (or the
     * target), for messages; the name itself is found by JSSE when the handshake starts, which is the only place the
     * JDK exposes it.
     *
     * @throws IllegalArgumentException if the socket is not connected
     */
    public static Endpoint ofConnected(Socket socket) {
        String host = HostNames.connectedHost(socket);
        if (((InetSocketAddress) socket.getRemoteSocketAddress()).isUnresolved()) {
            return of(host, socket.getPort()); // a tunnel's target: the name its creator gave
        }
        return new Endpoint(host, socket.getPort(), null, host, socket.getPort(), null, Identification.HTTPS, true);
    }

    /**
     * Whether the name to verify is the one the socket was connected with ({@link #ofConnected}), found by JSSE,
     * rather than {@link #verifiedName()}.
     */
    public boolean verifiesConnectedName() {
        return connectedName;
    }

    /**
     * Verifies the certificate against {@code name} and sends it as SNI, instead of the host connected to (a server
     * reached by address or through an alias, {@code openssl s_client -servername}).
     */
    public Endpoint withServerName(String name) {
        return new Endpoint(host, port, requireHost("serverName", name), resumptionHost, resumptionPort,
                applicationProtocols, identification);
    }

    /**
     * Caches and resumes the TLS session under {@code host:port} instead of this endpoint's own: an FTPS data
     * connection names its control connection here, so that servers requiring session reuse (vsftpd, ProFTPD) accept
     * it.
     */
    public Endpoint resumeAs(String host, int port) {
        return new Endpoint(this.host, this.port, serverName, requireHost("host", host), requirePort(port),
                applicationProtocols, identification);
    }

    /** Offers these ALPN protocols (RFC 7301) on this connection, instead of the policy's. */
    public Endpoint withApplicationProtocols(String... protocols) {
        for (String p : protocols) {
            if (p == null || p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("ALPN protocol names are 1 to 255 bytes: " + p);
            }
        }
        return new Endpoint(host, port, serverName, resumptionHost, resumptionPort,
                List.copyOf(Arrays.asList(protocols)), identification, connectedName);
    }

    /** Matches the certificate with the given profile; {@link Identification#HTTPS} by default. */
    public Endpoint withIdentification(Identification identification) {
        return new Endpoint(host, port, serverName, resumptionHost, resumptionPort, applicationProtocols,
                Objects.requireNonNull(identification, "identification"), connectedName);
    }

    /** The host connected to, as the caller wrote it (brackets of an IPv6 literal removed). */
    public String host() {
        return host;
    }

    /** The port connected to. */
    public int port() {
        return port;
    }

    /** The name the certificate is verified against: the server name if one was given, else the host. */
    public String verifiedName() {
        return serverName != null ? serverName : host;
    }

    /**
     * The SNI name sent (RFC 6066 3): the verified name without a trailing dot; empty for an IP literal and for names
     * SNI cannot carry.
     */
    public Optional<String> sniName() {
        if (connectedName) {
            return Optional.empty(); // JSSE sends the connected name itself when it is a dotted host name
        }
        String name = HostNames.stripTrailingDot(verifiedName());
        if (HostNames.isIpLiteral(name)) {
            return Optional.empty();
        }
        try {
            new SNIHostName(name);
            return Optional.of(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // e.g. an underscore: no SNI, but the certificate is still verified
        }
    }

    /** The host part of the session-cache key. */
    public String resumptionHost() {
        return resumptionHost;
    }

    /** The port part of the session-cache key. */
    public int resumptionPort() {
        return resumptionPort;
    }

    /** The ALPN protocols for this connection; empty means the policy's. */
    public Optional<List<String>> applicationProtocols() {
        return Optional.ofNullable(applicationProtocols);
    }

    /** The identification algorithm. */
    public Identification identification() {
        return identification;
    }

    /** {@code host:port} as the caller wrote it, for messages ({@code [::1]:993} for IPv6). */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Endpoint)) {
            return false;
        }
        Endpoint e = (Endpoint) o;
        return host.equals(e.host) && port == e.port && Objects.equals(serverName, e.serverName)
                && resumptionHost.equals(e.resumptionHost) && resumptionPort == e.resumptionPort
                && Objects.equals(applicationProtocols, e.applicationProtocols) && identification == e.identification
                && connectedName == e.connectedName;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, serverName, resumptionHost, resumptionPort, applicationProtocols,
                identification, connectedName);
    }

    private static String requireHost(String what, String host) {
        Objects.requireNonNull(host, what + ": the name to verify the certificate against is required");
        String name = HostNames.unbracket(host);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: it is the name the certificate is "
                    + "checked against");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '/' || c == '@' || (c == ':' && !looksLikeIpv6(name))) {
                throw new IllegalArgumentException(what + " is not a host name or IP literal: '" + host
                        + "' (character at index " + i + ")");
            }
        }
        return name;
    }

    /** Hex digits, dots and at least two colons (an IPv6 literal, possibly IPv4-mapped); never resolves anything. */
    private static boolean looksLikeIpv6(String name) {
        int colons = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':') {
                colons++;
            } else if (Character.digit(c, 16) < 0 && c != '.') {
                return false;
            }
        }
        return colons >= 2;
    }

    private static int requirePort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
        return port;
    }
}
