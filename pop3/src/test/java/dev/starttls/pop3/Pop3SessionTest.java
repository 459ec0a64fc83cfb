package dev.starttls.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.TlsGreenMailExtension;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading mail after the upgrade (RFC 1939 5: STAT, LIST, RETR, DELE, QUIT) against GreenMail behind the kit. */
class Pop3SessionTest {
    private static final String PASSWORD = "pw-Otter-5523";

    @RegisterExtension
    static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", PASSWORD);

    private static String message(String subject, String body) {
        return "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: " + subject + "\r\n\r\n" + body;
    }

    private static void deliver(String subject, String body) {
        mail.get().greenMail().setUser("alice@localhost", "alice", PASSWORD)
                .deliver(GreenMailUtil.newMimeMessage(message(subject, body)));
    }

    /** A session over STLS, logged in as alice. */
    private static Pop3Session loggedIn() throws TlsUpgradeException {
        Pop3Session pop3 = Pop3Tls.connect("localhost", mail.pop3Port(), mail.clientPolicy());
        pop3.login("alice", PASSWORD);
        return pop3;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void statListAndRetrieveDescribeTheSameMaildrop() throws Exception {
        deliver("first", "short\r\n");
        deliver("second", "a longer body\r\n.starts with a dot\r\nend\r\n");
        try (Pop3Session pop3 = loggedIn()) {
            Pop3Session.Stat stat = pop3.stat();
            Map<Integer, Long> sizes = pop3.list();
            assertEquals(2, stat.messages());
            assertEquals(List.of(1, 2), List.copyOf(sizes.keySet()));
            assertEquals(stat.octets(), sizes.values().stream().mapToLong(Long::longValue).sum(), sizes.toString());
            byte[] second = pop3.retrieve(2);
            assertTrue(text(second).contains("Subject: second\r\n"), text(second));
            assertTrue(text(second).endsWith("\r\n.starts with a dot\r\nend\r\n"), text(second));
            assertTrue(text(pop3.retrieve(1)).contains("Subject: first\r\n"));
        }
    }

    @Test
    void anEmptyMaildropListsNothing() throws Exception {
        try (Pop3Session pop3 = loggedIn()) {
            assertEquals(new Pop3Session.Stat(0, 0), pop3.stat());
            assertEquals(Map.of(), pop3.list());
        }
    }

    @Test
    void deletionsTakeEffectAtQuitWhichClosesTheSocket() throws Exception {
        deliver("keep", "kept\r\n");
        deliver("drop", "dropped\r\n");
        Pop3Session pop3 = Pop3Tls.connectImplicit("localhost", mail.pop3sPort(), mail.clientPolicy());
        pop3.login("alice", PASSWORD);
        pop3.delete(2);
        pop3.quit();
        assertTrue(pop3.socket().isClosed(), "QUIT closes the connection");
        assertThrows(IllegalStateException.class, pop3::stat, "a closed session sends nothing");
        try (Pop3Session again = Pop3Tls.connectImplicit("localhost", mail.pop3sPort(), mail.clientPolicy())) {
            again.login("alice", PASSWORD);
            assertEquals(1, again.stat().messages());
            assertTrue(text(again.retrieve(1)).contains("Subject: keep"));
        }
    }

    @Test
    void closingTheSessionSaysQuitSoDeletionsTakeEffect() throws Exception {
        deliver("keep", "kept\r\n");
        deliver("drop", "dropped\r\n");
        try (Pop3Session pop3 = loggedIn()) {
            pop3.delete(1);
        } // close(): QUIT, RFC 1939 6 UPDATE state
        try (Pop3Session again = loggedIn()) {
            assertEquals(1, again.stat().messages());
            assertTrue(text(again.retrieve(1)).contains("Subject: drop"));
        }
    }

    @Test
    void aWrongPasswordIsRejectedNamingPassAndTheSessionStaysUsable() throws Exception {
        try (Pop3Session pop3 = Pop3Tls.connect("localhost", mail.pop3Port(), mail.clientPolicy())) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> pop3.login("alice", "wrong"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("rejected PASS"), e.getMessage());
            assertTrue(e.reply().orElseThrow().startsWith("-ERR"), e.reply().toString());
            assertFalse(pop3.socket().isClosed());
            pop3.login("alice", PASSWORD);
            assertEquals(0, pop3.stat().messages());
        }
    }

    @Test
    void retrievingOrDeletingAMessageThatDoesNotExistIsRejected() throws Exception {
        deliver("only", "one\r\n");
        try (Pop3Session pop3 = loggedIn()) {
            TlsUpgradeException retr = assertThrows(TlsUpgradeException.class, () -> pop3.retrieve(7));
            assertEquals(Failure.REJECTED, retr.failure());
            assertTrue(retr.getMessage().contains("rejected RETR"), retr.getMessage());
            TlsUpgradeException dele = assertThrows(TlsUpgradeException.class, () -> pop3.delete(7));
            assertEquals(Failure.REJECTED, dele.failure());
            assertTrue(dele.getMessage().contains("rejected DELE"), dele.getMessage());
            assertTrue(text(pop3.retrieve(1)).contains("Subject: only"), "the session goes on after a refusal");
        }
    }

    @Test
    void capabilitiesAreThoseAnnouncedAfterTls() throws Exception {
        try (Pop3Session pop3 = Pop3Tls.connect("localhost", mail.pop3Port(), mail.clientPolicy())) {
            assertTrue(pop3.isTls());
            assertTrue(pop3.supports("uidl"), pop3.capabilities().toString());
            assertTrue(pop3.supports("SASL"), "the first word of \"SASL PLAIN XOAUTH2\"");
            assertFalse(pop3.supports("PLAIN"), "a mechanism is no capability");
            assertFalse(pop3.supports("UID"), "a capability is a whole word");
            assertFalse(pop3.supports("STLS"), "the front offers STLS before TLS only");
            String described = pop3.toString();
            assertTrue(described.contains("localhost:" + mail.pop3Port()), described);
            assertTrue(described.contains("TLSv1.3"), described);
            assertTrue(described.contains("capabilities=[UIDL, SASL]"), described);
        }
    }

    @Test
    void theExplicitUpgradeOfAnOpenSocketReadsMail(TlsPolicy trustingTheTestCa) throws Exception {
        deliver("upgraded", "hello\r\n");
        Socket socket = new Socket("localhost", mail.pop3Port());
        try (Pop3Session pop3 = Pop3Tls.upgrade(socket, "localhost", trustingTheTestCa)) {
            pop3.login("alice", PASSWORD);
            assertEquals(1, pop3.stat().messages());
        }
        assertTrue(socket.isClosed(), "close() closes the socket the caller handed over");
    }

    @Test
    void implicitTlsOnAnOpenSocketReadsMail() throws Exception {
        deliver("implicit", "hello\r\n");
        Socket socket = new Socket("localhost", mail.pop3sPort());
        try (Pop3Session pop3 = Pop3Tls.implicit(socket, "localhost", mail.clientPolicy())) {
            assertTrue(pop3.isTls());
            pop3.login("alice", PASSWORD);
            assertTrue(text(pop3.retrieve(1)).contains("Subject: implicit"));
        }
        assertTrue(socket.isClosed());
    }

    @Test
    void theOneArgumentUpgradeVerifiesAgainstTheJdkTrustStoreAndTheAddress() throws Exception {
        // TlsPolicy.defaults() trusts the JDK's CAs only: the kit's certificate is refused, naming the address used
        Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), mail.pop3Port());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> Pop3Tls.upgrade(socket));
        assertEquals(Failure.CERTIFICATE, e.failure());
        assertTrue(e.getMessage().contains("127.0.0.1:" + mail.pop3Port()), e.getMessage());
        assertTrue(socket.isClosed());
    }
}
