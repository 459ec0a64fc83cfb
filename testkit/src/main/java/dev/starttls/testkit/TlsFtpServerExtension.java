package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link TlsFtpServer}: explicit and implicit FTPS on free loopback ports, a throwaway
 * CA, one user with an empty home directory per test, and the {@link TlsPolicy} that trusts the CA.
 *
 * <pre>{@code
 * class DownloadTest {
 *     @RegisterExtension
 *     static final TlsFtpServerExtension ftp = new TlsFtpServerExtension();
 *
 *     @Test
 *     void downloadsOverProtectedData() throws Exception {
 *         Files.writeString(ftp.home().resolve("a.txt"), "hello");
 *         try (FtpSession session = FtpTls.connect("localhost", ftp.explicitPort(), ftp.clientPolicy())) {
 *             session.login(ftp.userName(), ftp.password());
 *             assertEquals("hello", new String(session.retrieve("a.txt").readAllBytes(), UTF_8));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods may also declare a {@link TlsPolicy} parameter (the client policy that trusts the CA) or a
 * {@link TlsFtpServer} parameter.
 *
 * <p>In a {@code static} field the server starts once per class and the user gets a new, empty home directory before
 * each test; in an instance field the server starts and stops around each test. Every instance has its own ports and CA.
 *
 * @since 0.1
 */
public final class TlsFtpServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Supplier<TlsFtpServer> starter;
    private TlsFtpServer server;
    private boolean perClass;

    /** A hardened server with the defaults of {@link TlsFtpServer#start()}. */
    public TlsFtpServerExtension() {
        this(TlsFtpServer.builder());
    }

    /** A server with these settings, for example {@code TlsFtpServer.builder().protocols("TLSv1.2")}. */
    public TlsFtpServerExtension(TlsFtpServer.Builder settings) {
        this.starter = settings::start;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        server = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perClass) {
            server.newHome();
        } else {
            server = starter.get();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass && server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TlsPolicy.class || type == TlsFtpServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TlsPolicy.class ? clientPolicy() : get();
    }

    /** The running server; only between the callbacks. */
    public TlsFtpServer get() {
        if (server == null) {
            throw new IllegalStateException("TlsFtpServer is not running: use it inside a test");
        }
        return server;
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return get().clientPolicy();
    }

    /** Explicit FTPS ({@code AUTH TLS}). */
    public int explicitPort() {
        return get().explicitPort();
    }

    /** Implicit FTPS. */
    public int implicitPort() {
        return get().implicitPort();
    }

    /** This test's home directory of the user. */
    public Path home() {
        return get().home();
    }

    /** The user name. */
    public String userName() {
        return get().userName();
    }

    /** The password. */
    public String password() {
        return get().password();
    }
}
