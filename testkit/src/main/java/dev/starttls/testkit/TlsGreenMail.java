package dev.starttls.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private final TlsFront smtp;
    private final TlsFront smtps;
    private final TlsFront pop3;
    private final TlsFront pop3s;
    private final TlsFront imap;
    private final TlsFront imaps;

    private TlsGreenMail() {
        ca = CertificateAuthority.create();
        serverCertificate = ca.issue("localhost", "127.0.0.1", "::1");
        clientPolicy = ca.trustingPolicy();
        greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
        });
        List<AutoCloseable> started = new ArrayList<>();
        try {
            greenMail.start();
            TlsPolicy serverPolicy = serverCertificate.serverPolicy();
            smtp = TlsFront.smtpStartTls(backend(greenMail.getSmtp().getPort()), serverPolicy);
            started.add(smtp);
            smtps = TlsFront.implicitTls(backend(greenMail.getSmtp().getPort()), serverPolicy);
            started.add(smtps);
            pop3 = TlsFront.pop3StartTls(backend(greenMail.getPop3().getPort()), serverPolicy);
            started.add(pop3);
            pop3s = TlsFront.implicitTls(backend(greenMail.getPop3().getPort()), serverPolicy);
            started.add(pop3s);
            imap = TlsFront.imapStartTls(backend(greenMail.getImap().getPort()), serverPolicy);
            started.add(imap);
            imaps = TlsFront.implicitTls(backend(greenMail.getImap().getPort()), serverPolicy);
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

    /** Starts GreenMail and its TLS fronts with a new CA. */
    public static TlsGreenMail start() {
        return new TlsGreenMail();
    }

    private static InetSocketAddress backend(int port) {
        return new InetSocketAddress("127.0.0.1", port);
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

    /** The GreenMail behind the fronts, for users, mailboxes and received messages. */
    public GreenMail greenMail() {
        return greenMail;
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

    @Override
    public void close() {
        for (TlsFront f : fronts()) {
            f.close();
        }
        greenMail.stop();
    }
}
