package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The SMTP dialogue after the upgrade (RFC 5321 3.3, 4.2): each refusal named, each reply kept, the session closed. */
class SmtpSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    private ScriptedServer server(String extensions, UnaryOperator<String> answer) {
        return SmtpScripts.answering(certificate, extensions, answer);
    }

    private SmtpSession upgrade(ScriptedServer server) throws Exception {
        return SmtpTls.upgrade(new Socket(InetAddress.getLoopbackAddress(), server.port()), "localhost", policy);
    }

    /** Answers like {@link SmtpScripts#accepting} except where {@code command} starts with {@code prefix}. */
    private static UnaryOperator<String> except(String prefix, String reply) {
        return command -> command.startsWith(prefix) ? reply : SmtpScripts.accepting(command);
    }

    /** The failure of one send(), the session closed afterwards, and every line the server read. */
    private record Refusal(TlsUpgradeException failure, List<String> received) {
    }

    /** Sends one message to a server that answers the command starting with {@code prefix} with {@code refusal}. */
    private Refusal sendRefusedAt(String prefix, String refusal, List<String> recipients) throws Exception {
        try (ScriptedServer server = server("", except(prefix, refusal))) {
            SmtpSession smtp = upgrade(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> smtp.send("a@example.com", recipients, "Subject: x\r\n\r\nbody\r\n"));
            assertEquals(Failure.REJECTED, e.failure(), e.toString());
            assertEquals(refusal, e.reply().orElseThrow());
            smtp.close();
            server.awaitScript(WAIT);
            return new Refusal(e, server.received());
        }
    }

    @Test
    void sendReturnsTheReplyToTheFinalDotAndAcceptsA251ForwardedRecipient() throws Exception {
        try (ScriptedServer server = server("", except("RCPT TO:<b", "251 2.1.5 user not local; will forward"));
                SmtpSession smtp = upgrade(server)) {
            SmtpReply done = smtp.send("a@example.com", List.of("b@example.com", "c@example.com"),
                    "Subject: x\r\n\r\nbody\r\n");
            assertEquals(new SmtpReply(250, List.of("ok")), done);
            assertTrue(done.isPositive());
        }
    }

    @Test
    void aRefusedSenderIsRejectedNamingMailFrom() throws Exception {
        Refusal refusal = sendRefusedAt("MAIL", "550 5.7.1 sender refused", List.of("b@example.com"));
        assertTrue(refusal.failure().getMessage().contains("rejected MAIL FROM: 550 5.7.1 sender refused"),
                refusal.failure().getMessage());
    }

    @Test
    void aRefusedRecipientIsRejectedNamingThatRecipientAndDataIsNeverSent() throws Exception {
        Refusal refusal = sendRefusedAt("RCPT TO:<c", "550 5.1.1 no such user",
                List.of("b@example.com", "c@example.com"));
        assertTrue(refusal.failure().getMessage().contains("rejected RCPT TO:<c@example.com>: 550 5.1.1 no such user"),
                refusal.failure().getMessage());
        assertFalse(refusal.received().contains("[TLS] DATA"), refusal.received().toString());
    }

    @Test
    void aRefusedDataCommandIsRejected() throws Exception {
        Refusal refusal = sendRefusedAt("DATA", "554 5.5.1 no valid recipients", List.of("b@example.com"));
        assertTrue(refusal.failure().getMessage().contains("rejected DATA: 554"), refusal.failure().getMessage());
    }

    @Test
    void aMessageRefusedAfterItsDotIsRejected() throws Exception {
        Refusal refusal = sendRefusedAt(".", "552 5.3.4 message too big", List.of("b@example.com"));
        assertTrue(refusal.failure().getMessage().contains("rejected end of DATA: 552 5.3.4 message too big"),
                refusal.failure().getMessage());
    }

    @Test
    void aMessageWithoutRecipientsIsRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedServer server = server("", SmtpScripts::accepting);
                SmtpSession smtp = upgrade(server)) {
            assertThrows(IllegalArgumentException.class, () -> smtp.send("a@example.com", List.of(), "x"));
            smtp.close();
            server.awaitScript(WAIT);
            assertEquals(List.of("[TLS] QUIT"), server.received().stream()
                    .filter(l -> l.startsWith("[TLS]") && !l.startsWith("[TLS] EHLO")).toList());
        }
    }

    @Test
    void commandReturnsAnyReplyWithAllItsLines() throws Exception {
        try (ScriptedServer server = server("", except("HELP", "214-first\r\n214 second"));
                SmtpSession smtp = upgrade(server)) {
            SmtpReply help = smtp.command("HELP");
            assertEquals(new SmtpReply(214, List.of("first", "second")), help);
            assertTrue(help.isPositive(), "214 is a 2xx completion");
            assertEquals("214-first\n214 second", help.toString(), "the reply as sent, lines joined");
        }
    }

    @Test
    void extensionsAndAuthMechanismsComeFromTheEhloAfterTls() throws Exception {
        try (ScriptedServer server = server("250-SIZE 35882577\r\n250-8bitmime\r\n", SmtpScripts::accepting);
                SmtpSession smtp = upgrade(server)) {
            assertEquals(List.of("SIZE", "8BITMIME", "AUTH"), List.copyOf(smtp.extensions()));
            assertEquals(Optional.of("35882577"), smtp.extension("size"));
            assertEquals(Optional.of(""), smtp.extension("8BITMIME"), "a keyword without parameters");
            assertEquals(Optional.empty(), smtp.extension("PIPELINING"));
            assertEquals(List.of("PLAIN"), smtp.authMechanisms());
            assertEquals("[127.0.0.1]", smtp.ehloName(), "RFC 5321 4.1.3 address literal of the local end");
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS", "[TLS] EHLO [127.0.0.1]"), server.received());
            String described = smtp.toString();
            assertTrue(described.contains("localhost:" + server.port()) && described.contains("TLSv1.3")
                    && described.contains("[SIZE, 8BITMIME, AUTH]"), described);
        }
    }

    @Test
    void quitSaysQuitAndClosesTheSocket() throws Exception {
        try (ScriptedServer server = server("", SmtpScripts::accepting)) {
            SmtpSession smtp = upgrade(server);
            smtp.quit();
            assertTrue(smtp.socket().isClosed());
            assertThrows(IllegalStateException.class, () -> smtp.command("NOOP"), "a closed session sends nothing");
            server.awaitScript(WAIT);
            assertEquals("[TLS] QUIT", server.received().get(server.received().size() - 1));
        }
    }

    @Test
    void closeSaysQuitInsideTlsAndClosesTheSocket() throws Exception {
        try (ScriptedServer server = server("", SmtpScripts::accepting)) {
            SmtpSession smtp = upgrade(server);
            smtp.close();
            assertTrue(smtp.socket().isClosed());
            server.awaitScript(WAIT); // the script ends only after it answered a QUIT
            assertEquals("[TLS] QUIT", server.received().get(server.received().size() - 1));
        }
    }

    @Test
    void anEhloRefusedInsideTlsIsRejected() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            SmtpScripts.upgrade(c, certificate);
            c.sendLine("554 5.7.0 not you");
            c.readUntilClosed();
        })) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.upgrade(socket, "localhost", policy));
            assertEquals(Failure.REJECTED, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("answered EHLO with 554 5.7.0 not you"), e.getMessage());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void anEhloRefusedBeforeTlsIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 old ESMTP");
            c.readLine();
            c.sendLine("502 5.5.1 EHLO not implemented");
            c.readUntilClosed();
        })) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.upgrade(socket, "localhost", policy));
            assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("without EHLO there is no STARTTLS"), e.getMessage());
            assertTrue(socket.isClosed());
        }
    }
}
