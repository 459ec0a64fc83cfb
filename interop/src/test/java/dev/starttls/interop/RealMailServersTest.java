package dev.starttls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.boringssl.BoringSsl;
import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Session;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against real Postfix (submission with STARTTLS and AUTH through Dovecot SASL, implicit TLS, and three ports with bad
 * certificates) and Dovecot (IMAP STARTTLS, IMAPS, POP3 STLS, POP3S), started by {@code interop/mail-servers}: every
 * mode upgrades, authenticates and does real work under TLS 1.3 and TLS 1.2; a message sent through Postfix comes back
 * intact from Dovecot's Maildir; bad certificates fail with {@code CERTIFICATE}.
 */
@Tag("interop")
@Timeout(60)
class RealMailServersTest {
    /** Postfix hands a message to virtual(8) within a fraction of a second; this is the bound, not a sleep. */
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    @RegisterExtension
    static final RealServers mail = new RealServers("mail-servers", "Postfix/Dovecot");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"smtp-submission, TLSv1.3", "smtp-submission, TLSv1.2", "smtp-submissions, TLSv1.3",
        "smtp-submissions, TLSv1.2"})
    void submitsThroughPostfixAfterTlsAndTheMessageArrivesInDovecot(String mode, String protocol) throws Exception {
        String token = UUID.randomUUID().toString();
        try (SmtpSession smtp = connectSmtp(mode, protocol)) {
            assertEquals(protocol, smtp.handshake().orElseThrow().protocol());
            assertTrue(smtp.authMechanisms().contains("PLAIN"), "AUTH PLAIN inside TLS: " + smtp.capabilities());
            smtp.authPlain(mail.value("user"), mail.value("password"));
            var reply = smtp.send(mail.value("address"), List.of(mail.value("address")), message(token));
            assertTrue(String.join(" ", reply.lines()).contains("queued as"), reply.toString());
            smtp.quit();
        }
        assertTrue(new String(awaitOverImap("imaps", "TLSv1.3", token), StandardCharsets.UTF_8).contains(token));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"TLSv1.3, JSSE", "TLSv1.2, JSSE", "TLSv1.3, BoringSSL", "TLSv1.2, BoringSSL"})
    void deliversThroughThePort25RoleAfterStartTlsAndTheMessageArrivesInDovecot(String protocol, String provider)
            throws Exception {
        TlsPolicy policy = provider.equals("BoringSSL")
                ? mail.policy(protocol).newBuilder().provider(BoringSsl.provider()).build() : mail.policy(protocol);
        String token = UUID.randomUUID().toString();
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.port("smtp-mta"), policy)) {
            assertEquals(protocol, smtp.handshake().orElseThrow().protocol());
            assertEquals(provider.equals("BoringSSL") ? "dev.starttls.boringssl.EngineSocket"
                    : "sun.security.ssl.SSLSocketImpl", smtp.sslSocket().getClass().getName());
            assertTrue(smtp.authMechanisms().isEmpty(), "the port-25 role offers no AUTH: " + smtp.capabilities());
            var reply = smtp.send(mail.value("address"), List.of(mail.value("address")), message(token));
            assertTrue(String.join(" ", reply.lines()).contains("queued as"), reply.toString());
            smtp.quit();
        }
        assertTrue(new String(awaitOverImap("imaps", "TLSv1.3", token), StandardCharsets.UTF_8).contains(token));
    }

    @Test
    void postfixAnnouncesAuthOnlyAfterStartTls() throws Exception {
        try (SmtpSession smtp = connectSmtp("smtp-submission", "TLSv1.3")) {
            List<String> clear = smtp.report().capabilitiesBeforeTls();
            assertTrue(clear.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS")), clear.toString());
            assertFalse(clear.stream().anyMatch(c -> c.toUpperCase().startsWith("AUTH")), "AUTH in clear: " + clear);
            assertTrue(smtp.capabilities().stream().anyMatch(c -> c.toUpperCase().startsWith("AUTH")),
                    smtp.capabilities().toString());
            assertFalse(smtp.capabilities().stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS")),
                    "no second STARTTLS inside TLS: " + smtp.capabilities());
        }
    }

    @Test
    void dovecotRejectsAWrongPasswordInsideTls() throws Exception {
        try (ImapSession imap = ImapTls.connect("localhost", mail.port("imap"), mail.policy("TLSv1.3"))) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> imap.login(mail.value("user"), "not-the-password"));
            assertEquals(Failure.REJECTED, e.failure(), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"imap, TLSv1.3", "imap, TLSv1.2", "imaps, TLSv1.3", "imaps, TLSv1.2", "pop3, TLSv1.3", "pop3, TLSv1.2",
        "pop3s, TLSv1.3", "pop3s, TLSv1.2"})
    void readsBackWhatPostfixDelivered(String mode, String protocol) throws Exception {
        String token = submit();
        byte[] read = mode.startsWith("imap") ? awaitOverImap(mode, protocol, token)
                : awaitOverPop3(mode, protocol, token);
        assertIntactAfterTraceHeaders(message(token), read);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"smtp-wrong-host, TLSv1.3", "smtp-wrong-host, TLSv1.2", "smtp-expired, TLSv1.3",
        "smtp-expired, TLSv1.2", "smtp-self-signed, TLSv1.3", "smtp-self-signed, TLSv1.2"})
    void refusesABadCertificateAndClosesTheSocket(String port, String protocol) throws Exception {
        mail.assertCertificateRefused(port, protocol, SmtpTls::upgrade);
    }

    private static SmtpSession connectSmtp(String mode, String protocol) throws Exception {
        TlsPolicy policy = mail.policy(protocol);
        return mode.equals("smtp-submissions")
                ? SmtpTls.connectImplicit("localhost", mail.port(mode), policy)
                : SmtpTls.connect("localhost", mail.port(mode), policy);
    }

    /** Sends a message carrying a fresh token through submission (STARTTLS, TLS 1.3) and returns the token. */
    private static String submit() throws Exception {
        String token = UUID.randomUUID().toString();
        try (SmtpSession smtp = connectSmtp("smtp-submission", "TLSv1.3")) {
            smtp.authPlain(mail.value("user"), mail.value("password"));
            smtp.send(mail.value("address"), List.of(mail.value("address")), message(token));
            smtp.quit();
        }
        return token;
    }

    private static String message(String token) {
        return "From: <" + mail.value("address") + ">\r\n"
                + "To: <" + mail.value("address") + ">\r\n"
                + "Subject: interop " + token + "\r\n"
                + "\r\n"
                + "Body of " + token + "\r\n"
                + ".a line that starts with a dot (RFC 5321 4.5.2)\r\n"
                + "Grüße in UTF-8, and the last line.\r\n";
    }

    /** Logs in over IMAP in {@code mode} until the message with {@code token} is in INBOX, and returns it. */
    private static byte[] awaitOverImap(String mode, String protocol, String token) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (true) {
            try (ImapSession imap = mode.equals("imaps")
                    ? ImapTls.connectImplicit("localhost", mail.port(mode), mail.policy(protocol))
                    : ImapTls.connect("localhost", mail.port(mode), mail.policy(protocol))) {
                assertUpgraded(imap, protocol);
                imap.login(mail.value("user"), mail.value("password"));
                int count = imap.select("INBOX");
                for (int i = count; i >= 1; i--) {
                    byte[] message = imap.fetch(i);
                    if (contains(message, token)) {
                        imap.logout();
                        return message;
                    }
                }
                imap.logout();
            }
            awaitRetry(deadline, "IMAP", token);
        }
    }

    /** Logs in over POP3 in {@code mode} until the message with {@code token} is in the maildrop, and returns it. */
    private static byte[] awaitOverPop3(String mode, String protocol, String token) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (true) {
            try (Pop3Session pop3 = mode.equals("pop3s")
                    ? Pop3Tls.connectImplicit("localhost", mail.port(mode), mail.policy(protocol))
                    : Pop3Tls.connect("localhost", mail.port(mode), mail.policy(protocol))) {
                assertUpgraded(pop3, protocol);
                pop3.login(mail.value("user"), mail.value("password"));
                Optional<byte[]> found = Optional.empty();
                for (int i : pop3.list().keySet()) {
                    byte[] message = pop3.retrieve(i);
                    if (contains(message, token)) {
                        found = Optional.of(message);
                    }
                }
                pop3.quit();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            awaitRetry(deadline, "POP3", token);
        }
    }

    private static void assertUpgraded(TlsSession session, String protocol) {
        assertTrue(session.isTls());
        assertEquals(protocol, session.handshake().orElseThrow().protocol());
    }

    private static void awaitRetry(Instant deadline, String protocol, String token) throws InterruptedException {
        if (Instant.now().isAfter(deadline)) {
            throw new AssertionError("message " + token + " not delivered within " + DELIVERY + " (read over "
                    + protocol + "); see postfix.log in the servers' directory");
        }
        Thread.sleep(50); // Postfix delivers asynchronously; Dovecot offers no push to wait on over plain IMAP
    }

    private static boolean contains(byte[] message, String token) {
        return new String(message, StandardCharsets.UTF_8).contains(token);
    }

    /**
     * The message read back ends with exactly what was sent: Postfix only adds trace headers (Return-Path, Received,
     * Message-ID, Date) in front; the body, the dot-stuffed line and the UTF-8 octets come back byte for byte.
     */
    private static void assertIntactAfterTraceHeaders(String sent, byte[] received) {
        String text = new String(received, StandardCharsets.UTF_8);
        String sentBody = sent.substring(sent.indexOf("\r\n\r\n"));
        assertTrue(text.endsWith(sentBody), "body intact, CRLF line ends, dot line unstuffed: " + text);
        assertTrue(text.contains(sent.substring(0, sent.indexOf("\r\n"))), text);
    }
}
