package dev.starttls.testkit;

import com.icegreen.greenmail.store.FolderException;
import dev.starttls.TlsPolicy;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A JUnit 5 extension that runs a {@link TlsGreenMail}: all six ports (SMTP, POP3, IMAP with STARTTLS, and their
 * implicit-TLS twins) on free loopback ports with a throwaway CA, and the {@link TlsPolicy} that trusts it.
 *
 * <pre>{@code
 * class MailFlowTest {
 *     @RegisterExtension
 *     static final TlsGreenMailExtension mail = new TlsGreenMailExtension()
 *             .withUser("alice", "secret").withUser("bob", "secret2");
 *
 *     @Test
 *     void sendsOverStartTls() throws Exception {
 *         try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
 *             smtp.send("bob@localhost", List.of("alice@localhost"), "Subject: hi\r\n\r\nHello\r\n");
 *         }
 *         mail.awaitMessage().to("alice@localhost").subject("hi").within(Duration.ofSeconds(5));
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods may also declare a {@link TlsPolicy} parameter (the client policy that trusts the CA) or a
 * {@link TlsGreenMail} parameter.
 *
 * <p>Lifecycle:
 * <ul>
 * <li>In a {@code static} field (or an instance field of a {@code @TestInstance(PER_CLASS)} class) the servers start
 * once for the class that declares the field, serve its {@code @Nested} classes too, and stop after it. Before each
 * test the users are set again, the hostile switches are reset to this extension's, and the mailboxes are emptied,
 * except for tests that run concurrently ({@code @Execution(CONCURRENT)}): emptying then would delete the mail of the
 * tests running beside it, so concurrent tests share the mailboxes and should wait for their own message with
 * {@link #awaitMessage()} (distinct recipients or subjects), or use an instance field.</li>
 * <li>In an instance field of a default (per-method) test class, each test gets its own servers and CA.</li>
 * </ul>
 * The running servers live in JUnit's {@link ExtensionContext.Store} of the context that started them and are closed
 * with it, so nothing outlives its class or test. Every instance has its own ports and CA, so classes run in parallel.
 *
 * @since 0.1
 */
public final class TlsGreenMailExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private record User(String name, String password) {
    }

    private final List<User> users = new ArrayList<>();
    private Hostile[] hostile = new Hostile[0];
    private boolean authBeforeTls;
    private boolean clientCertificates;
    private final Fixture<TlsGreenMail> fixture = new Fixture<>("TlsGreenMail", TlsGreenMail::start);

    /**
     * Adds the user {@code name@localhost} with login {@code name} and this password (set again before each test);
     * call it once per user.
     */
    public TlsGreenMailExtension withUser(String name, String password) {
        users.add(new User(name, password));
        return this;
    }

    /**
     * Makes the servers misbehave in these ways for every test (see {@link Hostile}); during a test,
     * {@code mail.get().hostile(...)} changes them until the next test.
     */
    public TlsGreenMailExtension hostile(Hostile... switches) {
        this.hostile = switches.clone();
        return this;
    }

    /** Advertises AUTH before TLS, as GreenMail does; see {@link TlsGreenMail#advertiseAuthBeforeTls(boolean)}. */
    public TlsGreenMailExtension advertiseAuthBeforeTls() {
        this.authBeforeTls = true;
        return this;
    }

    /** Requires client certificates (mutual TLS); see {@link TlsGreenMail#requireClientCertificates(boolean)}. */
    public TlsGreenMailExtension requireClientCertificates() {
        this.clientCertificates = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws FolderException {
        boolean shared = fixture.beforeEach(context);
        TlsGreenMail mail = fixture.started(context);
        // concurrent tests share the mailboxes: emptying them would delete the mail of the tests running beside
        if (shared && context.getExecutionMode() != ExecutionMode.CONCURRENT) {
            mail.greenMail().purgeEmailFromAllMailboxes();
        }
        for (User u : users) {
            mail.greenMail().setUser(u.name() + "@localhost", u.name(), u.password());
        }
        mail.hostile(hostile).advertiseAuthBeforeTls(authBeforeTls).requireClientCertificates(clientCertificates);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TlsPolicy.class || type == TlsGreenMail.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TlsGreenMail mail = fixture.started(context);
        return parameter.getParameter().getType() == TlsPolicy.class ? mail.clientPolicy() : mail;
    }

    /** The running servers; only while a test of the owning class (or of its {@code @Nested} classes) runs. */
    public TlsGreenMail get() {
        return fixture.get();
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

    /** Waits for one matching message; see {@link TlsGreenMail#awaitMessage()}. */
    public MessageExpectation awaitMessage() {
        return get().awaitMessage();
    }

    @Override
    public String toString() {
        return "TlsGreenMailExtension{users=" + users.stream().map(User::name).toList() + ", hostile="
                + Arrays.toString(hostile) + '}';
    }
}
