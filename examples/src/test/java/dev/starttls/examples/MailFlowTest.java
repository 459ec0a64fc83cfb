package dev.starttls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Session;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.TlsGreenMailExtension;
import dev.starttls.testkit.WireRecorder;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A whole mail flow: sent over SMTP STARTTLS, read back over IMAP and POP3, with STARTTLS/STLS and implicit TLS. */
class MailFlowTest {
    private static final String PASSWORD = "pw-Quokka-5512";
    private static final String BODY = "Flow-Body-Marker-99\r\n.starts with a dot\r\n..two dots\r\nlast line\r\n";
    /** GreenMail's IMAP server serves the stored message without its final CRLF (Jakarta Mail sees the same). */
    private static final String IMAP_BODY = BODY.substring(0, BODY.length() - 2);

    @RegisterExtension
    static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", PASSWORD);

    @BeforeEach
    void sendOneMessageOverStartTls() throws Exception {
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
            smtp.authPlain("alice", PASSWORD);
            smtp.send("bob@localhost", List.of("alice@localhost"),
                    "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: flow\r\n\r\n" + BODY);
        }
        mail.awaitMessages(1, Duration.ofSeconds(10));
    }

    private static String bodyOf(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void readsItBackOverImapStartTls() throws Exception {
        try (ImapSession imap = ImapTls.upgrade(new Socket("localhost", mail.imapPort()), "localhost",
                mail.clientPolicy())) {
            assertTrue(imap.isTls());
            assertFalse(imap.capabilities().contains("STARTTLS"), "only post-TLS capabilities: " + imap.capabilities());
            assertFalse(imap.capabilities().contains("LOGINDISABLED"), imap.capabilities().toString());
            imap.login("alice", PASSWORD);
            assertEquals(1, imap.select("INBOX"));
            assertEquals(IMAP_BODY, bodyOf(imap.fetch(1)));
        }
    }

    @Test
    void readsItBackOverImaps() throws Exception {
        try (ImapSession imap = ImapTls.connectImplicit("localhost", mail.imapsPort(), mail.clientPolicy())) {
            imap.login("alice", PASSWORD);
            assertEquals(1, imap.select("INBOX"));
            assertEquals(IMAP_BODY, bodyOf(imap.fetch(1)));
            imap.logout();
        }
    }

    @Test
    void readsItBackOverPop3Stls() throws Exception {
        try (Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", mail.pop3Port()), "localhost",
                mail.clientPolicy())) {
            assertTrue(pop3.isTls());
            assertFalse(pop3.supports("STLS"), "only post-TLS capabilities: " + pop3.capabilities());
            pop3.login("alice", PASSWORD);
            assertEquals(1, pop3.stat().messages());
            assertEquals(List.of(1), List.copyOf(pop3.list().keySet()));
            assertEquals(BODY, bodyOf(pop3.retrieve(1)));
        }
    }

    @Test
    void readsItBackOverPop3s() throws Exception {
        try (Pop3Session pop3 = Pop3Tls.connectImplicit("localhost", mail.pop3sPort(), mail.clientPolicy())) {
            pop3.login("alice", PASSWORD);
            assertEquals(BODY, bodyOf(pop3.retrieve(1)));
            pop3.delete(1);
            pop3.quit();
        }
        try (Pop3Session pop3 = Pop3Tls.connectImplicit("localhost", mail.pop3sPort(), mail.clientPolicy())) {
            pop3.login("alice", PASSWORD);
            assertEquals(0, pop3.stat().messages(), "DELE took effect at QUIT");
        }
    }

    @Test
    void jakartaMailReadsItOverImapWithStartTlsRequired() throws Exception {
        assertEquals(IMAP_BODY, readWithJakartaMail("imap", mail.imapPort()));
    }

    @Test
    void jakartaMailReadsItOverPop3WithStartTlsRequired() throws Exception {
        assertEquals(BODY, readWithJakartaMail("pop3", mail.pop3Port()));
    }

    private static String readWithJakartaMail(String protocol, int port) throws Exception {
        Properties props = new Properties();
        String p = "mail." + protocol + ".";
        props.put(p + "host", "localhost");
        props.put(p + "port", String.valueOf(port));
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", "true");
        props.put(p + "ssl.socketFactory", mail.clientPolicy().socketFactory());
        props.put(p + "ssl.checkserveridentity", "true");
        Store store = Session.getInstance(props).getStore(protocol);
        store.connect("alice", PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message[] messages = inbox.getMessages();
                assertEquals(1, messages.length);
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                messages[0].writeTo(raw);
                return bodyOf(raw.toByteArray());
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void neitherPasswordNorBodyCrossesTheWireInClearOverImap() throws Exception {
        try (WireRecorder wire = WireRecorder.start(new InetSocketAddress("127.0.0.1", mail.imapPort()))) {
            try (ImapSession imap = ImapTls.connect("localhost", wire.port(), mail.clientPolicy())) {
                imap.login("alice", PASSWORD);
                imap.select("INBOX");
                assertEquals(IMAP_BODY, bodyOf(imap.fetch(1)));
            }
            assertTrue(wire.sawInClear("STARTTLS"), wire.clientText());
            assertFalse(wire.sawInClear(PASSWORD));
            assertFalse(wire.sawInClear("Flow-Body-Marker-99"));
        }
    }

    @Test
    void neitherPasswordNorBodyCrossesTheWireInClearOverPop3() throws Exception {
        try (WireRecorder wire = WireRecorder.start(new InetSocketAddress("127.0.0.1", mail.pop3Port()))) {
            try (Pop3Session pop3 = Pop3Tls.connect("localhost", wire.port(), mail.clientPolicy())) {
                pop3.login("alice", PASSWORD);
                assertEquals(BODY, bodyOf(pop3.retrieve(1)));
            }
            assertTrue(wire.sawInClear("STLS"), wire.clientText());
            assertFalse(wire.sawInClear(PASSWORD));
            assertFalse(wire.sawInClear("Flow-Body-Marker-99"));
        }
    }
}
