package dev.starttls.testkit;

import com.icegreen.greenmail.store.FolderException;
import dev.starttls.TlsPolicy;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link TlsGreenMail}: all six ports (SMTP, POP3, IMAP with STARTTLS, and their
 * implicit-TLS twins) on free loopback ports with a throwaway CA, and the {@link TlsPolicy} that trusts it.
 *
 * <pre>{@code
 * class MailFlowTest {
 *     @RegisterExtension
 *     static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", "secret");
 *
 *     @Test
 *     void sendsOverStartTls() throws Exception {
 *         try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
 *             smtp.send("bob@localhost", List.of("alice@localhost"), "Subject: hi\r\n\r\nHello\r\n");
 *         }
 *         assertEquals("hi", mail.awaitMessages(1, Duration.ofSeconds(5))[0].getSubject());
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods may also declare a {@link TlsPolicy} parameter (the client policy that trusts the CA) or a
 * {@link TlsGreenMail} parameter.
 *
 * <p>In a {@code static} field the servers start once per class and the mailboxes are emptied before each test; in an
 * instance field they start and stop around each test. Every instance has its own ports and CA, so classes run in
 * parallel and {@code @Nested} classes may register their own.
 *
 * @since 0.1
 */
public final class TlsGreenMailExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Fixture<TlsGreenMail> mail = new Fixture<>("TlsGreenMail", TlsGreenMail::start);
    private String user;
    private String password;

    /** Adds the user {@code name@localhost} with login {@code name} and this password, before each test. */
    public TlsGreenMailExtension withUser(String name, String password) {
        this.user = name;
        this.password = password;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        mail.beforeAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        mail.afterAll();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws FolderException {
        if (mail.beforeEach()) {
            get().greenMail().purgeEmailFromAllMailboxes();
        }
        if (user != null) {
            get().greenMail().setUser(user + "@localhost", user, password);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        mail.afterEach();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TlsPolicy.class || type == TlsGreenMail.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TlsPolicy.class ? clientPolicy() : get();
    }

    /** The running servers; only between the callbacks. */
    public TlsGreenMail get() {
        return mail.get();
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return get().clientPolicy();
    }

    /** SMTP with STARTTLS. */
    public int smtpPort() {
        return get().smtpPort();
    }

    /** SMTP with implicit TLS. */
    public int smtpsPort() {
        return get().smtpsPort();
    }

    /** POP3 with STLS. */
    public int pop3Port() {
        return get().pop3Port();
    }

    /** POP3 with implicit TLS. */
    public int pop3sPort() {
        return get().pop3sPort();
    }

    /** IMAP with STARTTLS. */
    public int imapPort() {
        return get().imapPort();
    }

    /** IMAP with implicit TLS. */
    public int imapsPort() {
        return get().imapsPort();
    }

    /** Waits for {@code count} messages; see {@link TlsGreenMail#awaitMessages}. */
    public MimeMessage[] awaitMessages(int count, Duration timeout) {
        return get().awaitMessages(count, timeout);
    }
}
