package dev.starttls.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GreenMail with TLS: GreenMail's plain SMTP, POP3 and IMAP on loopback, and in front of them, with a throwaway CA made
 * for this instance, SMTP, POP3 and IMAP with STARTTLS/STLS (which GreenMail itself lacks) and implicit SMTPS, POP3S
 * and IMAPS, all six with a
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 *
 * <pre>{@code
 * try (TlsGreenMail mail = TlsGreenMail.start()) {
 *     mail.greenMail().setUser("alice@localhost", "alice", "secret");
 *     try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
 *         smtp.send("bob@localhost", List.of("alice@localhost"), "Subject: hi\r\n\r\nHello\r\n");
 *     }
 *     MimeMessage[] received = mail.awaitMessages(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>TLS is terminated by {@link TlsFront}s rather than by GreenMail's own SMTPS/IMAPS/POP3S servers because those read
 * one key store per JVM (system properties), which rules out a certificate per test. Every port binds to
 * {@code 127.0.0.1} and is chosen by the operating system, so instances run in parallel. Thread-safe.
 *
 * @since 0.1
 */
public final class TlsGreenMail implements AutoCloseable {
    private final CertificateAuthority ca;
    private final HeldCertificate serverCertificate;
    private final TlsPolicy clientPolicy;
    private final GreenMail greenMail;
    private final ServerPolicies serverPolicies;
    private final AtomicReference<Settings> settings = new AtomicReference<>(Settings.NORMAL);
    private final TlsFront smtp;
    private final TlsFront smtps;
    private final TlsFront pop3;
    private final TlsFront pop3s;
    private final TlsFront imap;
    private final TlsFront imaps;

    /** The switches that change how the fronts treat new connections. */
    private record Settings(Set<Hostile> hostile, boolean authBeforeTls, boolean clientCertificates) {
        static final Settings NORMAL = new Settings(Set.of(), false, false);
    }

    private TlsGreenMail() {
        ca = CertificateAuthority.create();
        serverCertificate = ca.issue("localhost", "127.0.0.1", "::1");
        clientPolicy = ca.trustingPolicy();
        serverPolicies = new ServerPolicies(ca, serverCertificate);
        greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
        });
        List<AutoCloseable> started = new ArrayList<>();
        try {
            greenMail.start();
            smtp = front(started, "smtp-front", greenMail.getSmtp().getPort(), new SmtpFrontDialogue());
            smtps = front(started, "smtps-front", greenMail.getSmtp().getPort(), null);
            pop3 = front(started, "pop3-front", greenMail.getPop3().getPort(), new Pop3FrontDialogue());
            pop3s = front(started, "pop3s-front", greenMail.getPop3().getPort(), null);
            imap = front(started, "imap-front", greenMail.getImap().getPort(), new ImapFrontDialogue());
            imaps = front(started, "imaps-front", greenMail.getImap().getPort(), null);
        } catch (RuntimeException e) {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            greenMail.stop();
            throw e;
        }
    }

    private TlsFront front(List<AutoCloseable> started, String name, int backendPort, TlsFront.Dialogue dialogue) {
        TlsFront front = TlsFront.of(name, new InetSocketAddress("127.0.0.1", backendPort), this::behaviour,
                dialogue);
        started.add(front);
        return front;
    }

    /** What a front does with a connection arriving now. */
    private FrontConnection.Behaviour behaviour() {
        Settings now = settings.get();
        return new FrontConnection.Behaviour(serverPolicies.policy(now.hostile(), now.clientCertificates()),
                now.hostile(), now.authBeforeTls());
    }

    /** Starts GreenMail and its TLS fronts with a new CA. */
    public static TlsGreenMail start() {
        return new TlsGreenMail();
    }

    /** The CA that issued the server certificate. */
    public CertificateAuthority ca() {
        return ca;
    }

    /** The certificate every TLS port presents (SANs localhost, 127.0.0.1, ::1). */
    public HeldCertificate serverCertificate() {
        return serverCertificate;
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return clientPolicy;
    }

    /**
     * A client policy that trusts this instance's CA and presents {@code clientCertificate} (for example
     * {@code mail.ca().issue("alice")}) when a server asks: for {@link #requireClientCertificates(boolean)}.
     */
    public TlsPolicy clientPolicy(HeldCertificate clientCertificate) {
        return clientPolicy.newBuilder()
                .clientCertificate(clientCertificate.keyStore(), HeldCertificate.keyStorePassword()).build();
    }

    /** The GreenMail behind the fronts, for users, mailboxes and received messages. */
    public GreenMail greenMail() {
        return greenMail;
    }

    /**
     * Makes every connection accepted from now on misbehave in these ways (see {@link Hostile} for each and the
     * failure it causes); with no argument the servers behave again. Connections already open are not affected.
     *
     * <pre>{@code
     * mail.hostile(Hostile.INJECT_AFTER_GO_AHEAD);
     * }</pre>
     */
    public TlsGreenMail hostile(Hostile... switches) {
        Set<Hostile> chosen = switches.length == 0 ? Set.of() : Set.copyOf(EnumSet.copyOf(Arrays.asList(switches)));
        settings.updateAndGet(s -> new Settings(chosen, s.authBeforeTls(), s.clientCertificates()));
        return this;
    }

    /** The hostile switches in force for new connections. */
    public Set<Hostile> hostile() {
        return settings.get().hostile();
    }

    /**
     * {@code true} advertises GreenMail's AUTH mechanisms before TLS too ({@code AUTH PLAIN LOGIN}, {@code SASL},
     * {@code AUTH=}), as GreenMail itself does; {@code false} (the default) advertises none before TLS, as a hardened
     * server does (RFC 3207 5, RFC 8314 advice). Credentials sent in clear are refused either way.
     */
    public TlsGreenMail advertiseAuthBeforeTls(boolean advertise) {
        settings.updateAndGet(s -> new Settings(s.hostile(), advertise, s.clientCertificates()));
        return this;
    }

    /**
     * {@code true} makes every TLS port require a client certificate issued by {@link #ca()} (mutual TLS; clients use
     * {@link #clientPolicy(HeldCertificate)}); {@code false} (the default) asks for none. New connections only.
     */
    public TlsGreenMail requireClientCertificates(boolean require) {
        settings.updateAndGet(s -> new Settings(s.hostile(), s.authBeforeTls(), require));
        return this;
    }

    /** SMTP with STARTTLS (submission style; AUTH, MAIL, RCPT and DATA refused before TLS). */
    public int smtpPort() {
        return smtp.port();
    }

    /** SMTP with implicit TLS. */
    public int smtpsPort() {
        return smtps.port();
    }

    /** POP3 with STLS (USER, PASS, APOP and AUTH refused before TLS). */
    public int pop3Port() {
        return pop3.port();
    }

    /** IMAP with STARTTLS (LOGINDISABLED before TLS). */
    public int imapPort() {
        return imap.port();
    }

    /** POP3 with implicit TLS. */
    public int pop3sPort() {
        return pop3s.port();
    }

    /** IMAP with implicit TLS. */
    public int imapsPort() {
        return imaps.port();
    }

    /** GreenMail's own plaintext SMTP port, behind the fronts. */
    public int plainSmtpPort() {
        return greenMail.getSmtp().getPort();
    }

    /** Every TLS handshake the fronts completed, in no particular order across ports: proof TLS was used. */
    public List<Handshake> handshakes() {
        List<Handshake> all = new ArrayList<>();
        for (TlsFront f : fronts()) {
            all.addAll(f.handshakes());
        }
        return all;
    }

    private List<TlsFront> fronts() {
        return List.of(smtp, smtps, pop3, pop3s, imap, imaps);
    }

    /**
     * Waits until GreenMail has received at least {@code count} messages, and returns them.
     *
     * @throws AssertionError if they do not arrive in time
     */
    public MimeMessage[] awaitMessages(int count, Duration timeout) {
        if (!greenMail.waitForIncomingEmail(timeout.toMillis(), count)) {
            throw new AssertionError("expected " + count + " message(s) within " + timeout.toMillis()
                    + " ms, got " + greenMail.getReceivedMessages().length);
        }
        return greenMail.getReceivedMessages();
    }

    /**
     * Waits for one message that matches, and returns it; the failure lists what did arrive.
     *
     * <pre>{@code
     * MimeMessage m = mail.awaitMessage().to("alice@localhost").subject("hi").within(Duration.ofSeconds(5));
     * }</pre>
     */
    public MessageExpectation awaitMessage() {
        return new MessageExpectation(greenMail);
    }

    @Override
    public void close() {
        for (TlsFront f : fronts()) {
            f.close();
        }
        greenMail.stop();
    }

    @Override
    public String toString() {
        return "TlsGreenMail{smtp=" + smtpPort() + ", smtps=" + smtpsPort() + ", pop3=" + pop3Port() + ", pop3s="
                + pop3sPort() + ", imap=" + imapPort() + ", imaps=" + imapsPort() + ", " + settings.get() + '}';
    }
}
