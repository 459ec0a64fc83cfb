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
import java.util.List;
import org.junit.jupiter.api.Test;

/** 8-bit bodies and UTF-8 addresses are declared (RFC 6152 BODY=8BITMIME, RFC 6531 SMTPUTF8), never sent silently. */
class SmtpEightBitTest {
    private static final String EIGHT_BIT = "Subject: Gr\u00fc\u00dfe\r\n\r\nGr\u00fc\u00dfe aus K\u00f6ln\r\n";
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    /** An SMTP server offering {@code extensions} after TLS that accepts one message. */
    private ScriptedServer server(String extensions) {
        return SmtpScripts.answering(certificate, extensions, SmtpScripts::accepting);
    }

    private SmtpSession upgrade(ScriptedServer server) throws Exception {
        return SmtpTls.upgrade(new Socket(InetAddress.getLoopbackAddress(), server.port()), "localhost", policy);
    }

    private static String mailFrom(ScriptedServer server) {
        return server.received().stream().filter(l -> l.startsWith("[TLS] MAIL")).findFirst().orElseThrow();
    }

    @Test
    void anEightBitBodyIsDeclaredWhenTheServerOffers8BitMime() throws Exception {
        try (ScriptedServer server = server("250-8BITMIME\r\n");
                SmtpSession smtp = upgrade(server)) {
            smtp.send("a@example.com", List.of("b@example.com"), EIGHT_BIT);
            assertEquals("[TLS] MAIL FROM:<a@example.com> BODY=8BITMIME", mailFrom(server));
        }
    }

    @Test
    void aSevenBitBodyDeclaresNothing() throws Exception {
        try (ScriptedServer server = server("250-8BITMIME\r\n");
                SmtpSession smtp = upgrade(server)) {
            smtp.send("a@example.com", List.of("b@example.com"), "Subject: hi\r\n\r\nplain\r\n");
            assertEquals("[TLS] MAIL FROM:<a@example.com>", mailFrom(server));
        }
    }

    @Test
    void anEightBitBodyWithout8BitMimeIsRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedServer server = server("");
                SmtpSession smtp = upgrade(server)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> smtp.send("a@example.com", List.of("b@example.com"), EIGHT_BIT));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("8BITMIME"), e.getMessage());
            assertFalse(server.received().stream().anyMatch(l -> l.contains("MAIL")), server.received().toString());
            assertFalse(smtp.socket().isClosed(), "nothing was sent: the session stays usable");
        }
    }

    @Test
    void aUtf8AddressIsDeclaredWithSmtpUtf8() throws Exception {
        try (ScriptedServer server = server("250-8BITMIME\r\n250-SMTPUTF8\r\n");
                SmtpSession smtp = upgrade(server)) {
            smtp.send("j\u00f6rg@example.com", List.of("b@example.com"), "Subject: hi\r\n\r\nplain\r\n");
            assertTrue(mailFrom(server).endsWith("> BODY=8BITMIME SMTPUTF8"), mailFrom(server));
        }
    }

    @Test
    void aUtf8AddressWithoutSmtpUtf8IsRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedServer server = server("250-8BITMIME\r\n");
                SmtpSession smtp = upgrade(server)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> smtp.send("a@example.com", List.of("b\u00f6@example.com"), "Subject: hi\r\n\r\nx\r\n"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("SMTPUTF8"), e.getMessage());
            assertFalse(server.received().stream().anyMatch(l -> l.contains("MAIL")), server.received().toString());
        }
    }
}
