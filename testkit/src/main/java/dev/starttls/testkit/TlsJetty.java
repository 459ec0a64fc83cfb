package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import java.util.Objects;

/**
 * Jetty with TLS for HTTP tests: an {@link HttpsTestServer} and a {@link ConnectProxy} on free loopback ports, with a
 * throwaway CA made for this instance and a server certificate for {@code localhost}, {@code 127.0.0.1} and
 * {@code ::1}.
 *
 * <pre>{@code
 * try (TlsJetty jetty = TlsJetty.start("proxyuser", "proxypass")) {
 *     // HTTPS directly on jetty.httpsPort(), or through the proxy on jetty.proxyPort():
 *     // CONNECT localhost:<httpsPort> with Proxy-Authorization: Basic cHJveHl1c2VyOnByb3h5cGFzcw==
 *     TlsPolicy client = jetty.clientPolicy();                 // trusts this instance's CA only
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops both servers.
 *
 * @since 0.1
 */
public final class TlsJetty implements AutoCloseable {
    /** The realm of the proxy's {@code 407} challenge when it asks for credentials. */
    public static final String PROXY_REALM = "starttls-testkit";

    private final CertificateAuthority ca;
    private final HeldCertificate serverCertificate;
    private final TlsPolicy clientPolicy;
    private final HttpsTestServer https;
    private final ConnectProxy proxy;

    private TlsJetty(String proxyUser, String proxyPassword) {
        ca = CertificateAuthority.create();
        serverCertificate = ca.issue("localhost", "127.0.0.1", "::1");
        clientPolicy = ca.trustingPolicy();
        https = HttpsTestServer.start(serverCertificate);
        try {
            proxy = proxyUser == null ? ConnectProxy.start()
                    : ConnectProxy.withBasicAuth(PROXY_REALM, proxyUser, proxyPassword);
        } catch (RuntimeException e) {
            https.close();
            throw e;
        }
    }

    /** Starts the HTTPS server and a proxy that asks for no credentials. */
    public static TlsJetty start() {
        return new TlsJetty(null, null);
    }

    /** Starts the HTTPS server and a proxy that demands these Basic credentials (realm {@link #PROXY_REALM}). */
    public static TlsJetty start(String proxyUser, String proxyPassword) {
        return new TlsJetty(Objects.requireNonNull(proxyUser, "proxyUser"),
                Objects.requireNonNull(proxyPassword, "proxyPassword"));
    }

    /** The CA that issued the server certificate. */
    public CertificateAuthority ca() {
        return ca;
    }

    /** The certificate the HTTPS server presents. */
    public HeldCertificate serverCertificate() {
        return serverCertificate;
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return clientPolicy;
    }

    /** The HTTPS server. */
    public HttpsTestServer https() {
        return https;
    }

    /** The CONNECT proxy. */
    public ConnectProxy proxy() {
        return proxy;
    }

    /** The HTTPS server's loopback port. */
    public int httpsPort() {
        return https.port();
    }

    /** The proxy's loopback port. */
    public int proxyPort() {
        return proxy.port();
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } finally {
            https.close();
        }
    }
}
