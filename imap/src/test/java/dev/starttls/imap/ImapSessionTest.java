package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.TlsGreenMail;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session commands against a real IMAP server (GreenMail behind the test kit's TLS fronts). */
class ImapSessionTest {
    private TlsGreenMail mail;
    private GreenMailUser alice;
    private TlsPolicy policy;

    @BeforeEach
    void startServer() {
        mail = TlsGreenMail.start();
        alice = mail.greenMail().setUser("alice@localhost", "alice", "secret");
        // short enough that a client waiting for an answer that never comes fails fast, long enough for a loaded host
        policy = mail.clientPolicy().newBuilder().readTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stopServer() {
        mail.close();
    }

    private void deliver(String subject, String body) throws Exception {
        String raw = "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n";
        alice.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
    }

    private ImapSession aliceLoggedIn() throws TlsUpgradeException {
        ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy);
        imap.login("alice", "secret");
        return imap;
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.US_ASCII);
    }

    @Test
    void readsAMessageAfterStartTlsLoginAndSelect() throws Exception {
        deliver("first", "Hello Alice");
        deliver("second", "Hello again");
        try (ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy)) {
            assertTrue(imap.isTls());
            imap.login("alice", "secret");
            assertEquals(2, imap.select("INBOX"));
            String first = text(imap.fetch(1));
            assertTrue(first.contains("Subject: first") && first.contains("Hello Alice"), first);
            String second = text(imap.fetch(2));
            assertTrue(second.contains("Subject: second") && second.contains("Hello again"), second);
        }
    }

    @Test
    void readsAMessageOverImplicitTls() throws Exception {
        deliver("implicit", "Hello over 993");
        try (ImapSession imap = ImapTls.connectImplicit("localhost", mail.imapsPort(), policy)) {
            assertTrue(imap.isTls());
            assertTrue(imap.report().implicit());
            imap.login("alice", "secret");
            assertEquals(1, imap.select("INBOX"));
            assertTrue(text(imap.fetch(1)).contains("Hello over 993"));
        }
    }

    @Test
    void implicitTlsOnAConnectedSocketVerifiesTheGivenHost() throws Exception {
        deliver("tunnel", "Hello through a socket of yours");
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), mail.imapsPort());
        try (ImapSession imap = ImapTls.implicit(socket, "localhost", policy)) {
            assertEquals("localhost", imap.endpoint().host());
            imap.login("alice", "secret");
            assertEquals(1, imap.select("INBOX"));
            assertTrue(text(imap.fetch(1)).contains("Hello through a socket of yours"));
        }
    }

    @Test
    void anEmptyMailboxHoldsNoMessages() throws Exception {
        try (ImapSession imap = aliceLoggedIn()) {
            assertEquals(0, imap.select("INBOX"));
        }
    }

    @Test
    void aMessageLargerThanOneReadChunkArrivesWhole() throws Exception {
        // 200 KiB: the literal is read in several 64 KiB chunks
        StringBuilder body = new StringBuilder();
        for (int line = 0; body.length() < 200 * 1024; line++) {
            body.append("line ").append(line).append(" of a long message\r\n");
        }
        deliver("large", body.toString());
        try (ImapSession imap = aliceLoggedIn()) {
            imap.select("INBOX");
            String message = text(imap.fetch(1));
            assertTrue(message.endsWith(body + "\r\n"), "the body arrives unchanged and complete, "
                    + message.length() + " chars");
        }
    }

    @Test
    void aWrongPasswordIsRejectedWithTheServersReplyAndTheSessionStaysOpen() throws Exception {
        try (ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.login("alice", "wrong"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("rejected LOGIN"), e.getMessage());
            assertTrue(e.reply().orElseThrow().contains(" NO "), e.reply().toString());
            assertFalse(imap.socket().isClosed(), "a refused command leaves the session usable");
            imap.login("alice", "secret");
            assertEquals(0, imap.select("INBOX"));
        }
    }

    @Test
    void aNonAsciiPasswordLogsInAsALiteral() throws Exception {
        mail.greenMail().setUser("bob@localhost", "bob", "pässwörd");
        try (ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy)) {
            imap.login("bob", "pässwörd");
            assertEquals(0, imap.select("INBOX"));
        }
    }

    @Test
    void selectingAMailboxThatDoesNotExistIsRejected() throws Exception {
        try (ImapSession imap = aliceLoggedIn()) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.select("Nowhere"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("rejected SELECT"), e.getMessage());
            assertFalse(imap.socket().isClosed());
        }
    }

    @Test
    void messageNumbersStartAtOne() throws Exception {
        deliver("only", "one message");
        try (ImapSession imap = aliceLoggedIn()) {
            imap.select("INBOX");
            assertThrows(IllegalArgumentException.class, () -> imap.fetch(0));
            assertTrue(text(imap.fetch(1)).contains("one message"), "message 1 is the first");
        }
    }

    @Test
    void fetchLeavesTheMessageUnseen() throws Exception {
        deliver("peek", "not read yet");
        try (ImapSession imap = aliceLoggedIn()) {
            imap.select("INBOX");
            imap.fetch(1);
        }
        MimeMessage stored = mail.greenMail().getReceivedMessages()[0];
        assertFalse(stored.isSet(jakarta.mail.Flags.Flag.SEEN), "BODY.PEEK[] must not set \\Seen");
    }

    @Test
    void logoutEndsTheSessionAndClosesTheSocket() throws Exception {
        ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy);
        imap.login("alice", "secret");
        imap.logout();
        assertTrue(imap.socket().isClosed());
        assertThrows(IllegalStateException.class, () -> imap.select("INBOX"));
        imap.close(); // after logout: nothing left to do, and no failure
    }

    @Test
    void describesItselfWithPeerTlsAndCapabilities() throws Exception {
        try (ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy)) {
            String described = imap.toString();
            assertTrue(described.contains("localhost:" + mail.imapPort()), described);
            assertTrue(described.contains(imap.handshake().orElseThrow().protocol()), described);
            assertTrue(described.contains("IMAP4REV1"), described);
            assertTrue(imap.hasCapability("imap4rev1"), "capabilities are matched ignoring case");
            assertFalse(imap.hasCapability("STARTTLS"), "inside TLS STARTTLS is no longer announced");
        }
    }

    @Test
    void startTlsOnTheImplicitTlsPortPointsToConnectImplicit() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(700)).build();
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> ImapTls.connect("localhost", mail.imapsPort(), impatient));
        assertEquals(Failure.TIMEOUT, e.failure());
        assertTrue(e.getMessage().contains("IMAP uses 993") && e.getMessage().contains("connectImplicit"),
                e.getMessage());
    }

    @Test
    void strippedStartTlsNamesTheMissingCommand() throws Exception {
        mail.hostile(dev.starttls.testkit.Hostile.STRIP_STARTTLS);
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> ImapTls.connect("localhost", mail.imapPort(), policy));
        assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
        assertTrue(e.getMessage().contains("did not offer STARTTLS"), e.getMessage());
    }

    @Test
    void theOneArgumentUpgradeVerifiesAgainstTheSystemTrustStore() throws Exception {
        // the test CA is not in the JDK's trust store: the defaults must refuse the kit's certificate
        Socket socket = new Socket("localhost", mail.imapPort());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> ImapTls.upgrade(socket));
        assertEquals(Failure.CERTIFICATE, e.failure(), e.toString());
        assertTrue(socket.isClosed());
    }

    @Test
    void fetchReturnsTheStoredMessageByteForByte() throws Exception {
        deliver("exact", "exact body");
        try (ImapSession imap = aliceLoggedIn()) {
            imap.select("INBOX");
            byte[] fetched = imap.fetch(1);
            java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
            mail.greenMail().getReceivedMessages()[0].writeTo(stored);
            assertArrayEquals(stored.toByteArray(), fetched);
        }
    }
}
