package dev.starttls.http;

import dev.starttls.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy that opens {@code CONNECT} tunnels: where it listens and, if it asks for them, the Basic credentials
 * for it (RFC 7617). These are the proxy's credentials, sent as {@code Proxy-Authorization} to the proxy alone; an
 * origin server's credentials never belong here.
 *
 * <pre>{@code
 * HttpProxy proxy = HttpProxy.of("proxy.corp.example", 3128).withBasicAuth("alice", proxyPassword);
 * TunneledSocket tunnel = HttpTls.tunnel(proxy, "mail.example.com", 587, policy);
 * }</pre>
 *
 * <p>Basic credentials cross the network to the proxy in clear (base64 is no encryption) unless the path to the proxy
 * is trusted; this class does not speak TLS to the proxy itself. Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class HttpProxy {
    private final String host;
    private final int port;
    private final String user;
    private final String password;

    private HttpProxy(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * The proxy at {@code host:port}, asking for no credentials.
     *
     * @throws IllegalArgumentException for a malformed host or a port outside 1..65535
     */
    public static HttpProxy of(String host, int port) {
        Endpoint endpoint = HttpSyntax.requireTarget("proxy host", host, port);
        return new HttpProxy(endpoint.host(), endpoint.port(), null, null);
    }

    /**
     * This proxy with Basic credentials, sent in {@code Proxy-Authorization} with every {@code CONNECT}.
     *
     * @throws IllegalArgumentException if {@code user} contains a colon or either contains a control character (RFC
     *     7617 2)
     */
    public HttpProxy withBasicAuth(String user, String password) {
        requireNoControls("user", user);
        requireNoControls("password", password);
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user must not contain ':' (RFC 7617 2)");
        }
        return new HttpProxy(host, port, user, password);
    }

    /** The proxy's host. */
    public String host() {
        return host;
    }

    /** The proxy's port. */
    public int port() {
        return port;
    }

    /** The user of the Basic credentials, if any. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The {@code Proxy-Authorization} value, if credentials were given. */
    Optional<String> authorization() {
        return user == null ? Optional.empty() : Optional.of("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static void requireNoControls(String what, String value) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters (index " + i + ")");
            }
        }
    }

    /** {@code host:port}, and the user when there are credentials; never the password. */
    @Override
    public String toString() {
        return "proxy " + HttpSyntax.authority(host, port) + (user == null ? "" : " as " + user);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpProxy p && p.host.equals(host) && p.port == port && Objects.equals(p.user, user)
                && Objects.equals(p.password, password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user);
    }
}
