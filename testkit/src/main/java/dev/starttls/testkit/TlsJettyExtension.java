package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link TlsJetty}: an HTTPS server and an HTTP CONNECT proxy on free loopback ports
 * with a throwaway CA, and the {@link TlsPolicy} that trusts it.
 *
 * <pre>{@code
 * class ThroughTheProxyTest {
 *     @RegisterExtension
 *     static final TlsJettyExtension jetty = new TlsJettyExtension().withProxyUser("proxyuser", "proxypass");
 *
 *     @Test
 *     void getsThroughTheTunnel(TlsPolicy policy) throws Exception {
 *         // CONNECT to 127.0.0.1:jetty.proxyPort() for localhost:jetty.httpsPort(), then TLS with `policy`
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods may also declare a {@link TlsPolicy} parameter (the client policy that trusts the CA) or a
 * {@link TlsJetty} parameter. In a {@code static} field the servers start once per class (their request records then
 * accumulate across tests); in an instance field they start and stop around each test. Every instance has its own
 * ports and CA, so classes run in parallel.
 *
 * @since 0.1
 */
public final class TlsJettyExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Fixture<TlsJetty> jetty = new Fixture<>("TlsJetty", this::start);
    private String proxyUser;
    private String proxyPassword;

    /** Makes the proxy demand these Basic credentials ({@code 407} without them). */
    public TlsJettyExtension withProxyUser(String user, String password) {
        this.proxyUser = user;
        this.proxyPassword = password;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        jetty.beforeAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        jetty.afterAll();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        jetty.beforeEach();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        jetty.afterEach();
    }

    private TlsJetty start() {
        return proxyUser == null ? TlsJetty.start() : TlsJetty.start(proxyUser, proxyPassword);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TlsPolicy.class || type == TlsJetty.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TlsPolicy.class ? clientPolicy() : get();
    }

    /** The running servers; only between the callbacks. */
    public TlsJetty get() {
        return jetty.get();
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return get().clientPolicy();
    }

    /** The HTTPS server's loopback port. */
    public int httpsPort() {
        return get().httpsPort();
    }

    /** The CONNECT proxy's loopback port. */
    public int proxyPort() {
        return get().proxyPort();
    }
}
