package dev.starttls.pop3;

import static dev.starttls.pop3.Pop3Scripts.acceptLoginThenReadCommand;
import static dev.starttls.pop3.Pop3Scripts.greetAndOfferStls;
import static dev.starttls.pop3.Pop3Scripts.tlsSession;
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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a session reads what a POP3 server answers after login (RFC 1939): statuses, STAT, LIST, bodies, limits. */
class Pop3RepliesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    /** A server that logs the client in, answers its next command with {@code answer}, then waits for the close. */
    private ScriptedServer answering(String answer) {
        return tlsSession(certificate, c -> {
            acceptLoginThenReadCommand(c);
            c.send(answer);
            c.readUntilClosed();
        });
    }

    private Pop3Session loggedIn(ScriptedServer server, TlsPolicy policy) throws Exception {
        Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", policy);
        pop3.login("alice", "secret");
        return pop3;
    }

    private static TlsUpgradeException fails(Failure expected, Pop3Call call) {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, call::run);
        assertEquals(expected, e.failure(), e.toString());
        return e;
    }

    @FunctionalInterface
    private interface Pop3Call {
        void run() throws Exception;
    }

    @Test
    void statReadsMessagesAndOctets() throws Exception {
        try (ScriptedServer server = answering("+OK 3 5000000000\r\n");
                Pop3Session pop3 = loggedIn(server, policy)) {
            assertEquals(new Pop3Session.Stat(3, 5_000_000_000L), pop3.stat(), "octets beyond 2^31 fit");
        }
    }

    @Test
    void aStatWithoutCountsIsProtocolAndClosesTheSession() throws Exception {
        try (ScriptedServer server = answering("+OK maildrop ready\r\n");
                Pop3Session pop3 = loggedIn(server, policy)) {
            TlsUpgradeException e = fails(Failure.PROTOCOL, pop3::stat);
            assertTrue(e.getMessage().contains("malformed STAT answer: '+OK maildrop ready'"), e.getMessage());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void listKeepsTheServersOrderAndToleratesExtraSpaces() throws Exception {
        try (ScriptedServer server = answering("+OK 3 messages\r\n3 300\r\n  1   100  \r\n2\t200\r\n.\r\n");
                Pop3Session pop3 = loggedIn(server, policy)) {
            Map<Integer, Long> sizes = pop3.list();
            assertEquals(List.of(3, 1, 2), List.copyOf(sizes.keySet()));
            assertEquals(List.of(300L, 100L, 200L), List.copyOf(sizes.values()));
        }
    }

    @Test
    void aMalformedListLineIsProtocolNamingTheLineAndClosesTheSession() throws Exception {
        try (ScriptedServer server = answering("+OK\r\n1 100\r\n2 big\r\n.\r\n");
                Pop3Session pop3 = loggedIn(server, policy)) {
            TlsUpgradeException e = fails(Failure.PROTOCOL, pop3::list);
            assertTrue(e.getMessage().contains("malformed LIST answer: '2 big'"), e.getMessage());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void aListEndingEarlyIsClosedAndClosesTheSession() throws Exception {
        try (ScriptedServer server = tlsSession(certificate, c -> {
            acceptLoginThenReadCommand(c);
            c.send("+OK\r\n1 100\r\n"); // then the connection ends without the terminating dot
        }); Pop3Session pop3 = loggedIn(server, policy)) {
            fails(Failure.CLOSED, pop3::list);
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void aBareErrIsARefusalWithTheServersReply() throws Exception {
        try (ScriptedServer server = answering("-ERR\r\n");
                Pop3Session pop3 = loggedIn(server, policy)) {
            TlsUpgradeException e = fails(Failure.REJECTED, () -> pop3.retrieve(1));
            assertEquals("-ERR", e.reply().orElseThrow());
            assertFalse(pop3.socket().isClosed(), "a refusal leaves the session usable");
        }
    }

    @Test
    void statusesThatOnlyLookLikeOkOrErrAreProtocol() throws Exception {
        for (String status : List.of("+OKAY 1 2", "-ERRATIC", "+ok 1 2", "OK")) {
            try (ScriptedServer server = answering(status + "\r\n");
                    Pop3Session pop3 = loggedIn(server, policy)) {
                TlsUpgradeException e = fails(Failure.PROTOCOL, pop3::stat);
                assertEquals(status, e.reply().orElseThrow());
                assertTrue(e.getMessage().contains("where a POP3 status (+OK / -ERR) was expected"), e.getMessage());
                assertTrue(pop3.socket().isClosed(), status);
            }
        }
    }

    @Test
    void aBodyOfExactlyTheMaximumSizeIsRetrieved() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        String line = "x".repeat(1022); // 1022 octets + CRLF = 1024
        try (ScriptedServer server = answering("+OK\r\n" + line + "\r\n.\r\n");
                Pop3Session pop3 = loggedIn(server, small)) {
            assertEquals(line + "\r\n", new String(pop3.retrieve(1), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aBodyOneOctetOverTheMaximumIsLimit() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        try (ScriptedServer server = answering("+OK\r\n" + "x".repeat(1023) + "\r\n.\r\n");
                Pop3Session pop3 = loggedIn(server, small)) {
            TlsUpgradeException e = fails(Failure.LIMIT, () -> pop3.retrieve(1));
            assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void theMaximumSizeCountsUnstuffedLinesWithTheirLineEnds() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        // 1022 octets once the leading dot is removed, plus CRLF: exactly the maximum
        String stuffed = "." + ".".repeat(1022);
        try (ScriptedServer server = answering("+OK\r\n" + stuffed + "\r\n.\r\n");
                Pop3Session pop3 = loggedIn(server, small)) {
            assertEquals(1024, pop3.retrieve(1).length);
        }
    }

    @Test
    void capabilitiesUpToTheLineLimitAreAcceptedAndDotUnstuffed() throws Exception {
        TlsPolicy threeLines = policy.newBuilder().maxReplyLines(3).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine(); // STLS
            c.sendLine("+OK begin TLS");
            c.startTls(certificate);
            c.readLine(); // CAPA
            c.send("+OK\r\nUSER\r\n..X-DOTTED\r\nTOP\r\n.\r\n");
            c.readUntilClosed();
        }); Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", threeLines)) {
            assertEquals(List.of("USER", ".X-DOTTED", "TOP"), pop3.capabilities());
        }
    }

    @Test
    void oneCapabilityLineOverTheLimitIsLimit() throws Exception {
        TlsPolicy twoLines = policy.newBuilder().maxReplyLines(2).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("+OK ready");
            c.readLine(); // CAPA
            c.send("+OK\r\nUSER\r\nSTLS\r\nTOP\r\n.\r\n");
            c.readUntilClosed();
        })) {
            Socket socket = new Socket("localhost", server.port());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Pop3Tls.upgrade(socket, "localhost", twoLines));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(e.getMessage().contains("more than 2 CAPA lines"), e.getMessage());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void quitAnsweredWithErrIsRejectedAndStillClosesTheSocket() throws Exception {
        try (ScriptedServer server = answering("-ERR some deleted messages not removed\r\n")) {
            Pop3Session pop3 = loggedIn(server, policy);
            TlsUpgradeException e = fails(Failure.REJECTED, pop3::quit);
            assertTrue(e.getMessage().contains("rejected QUIT"), e.getMessage());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void closeSaysQuitInsideTlsAndClosesTheSocket() throws Exception {
        try (ScriptedServer server = tlsSession(certificate, c -> {
            assertEquals("QUIT", c.readLine());
            c.sendLine("+OK bye");
            c.readUntilClosed();
        })) {
            Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", policy);
            pop3.close();
            assertTrue(pop3.socket().isClosed());
            server.awaitScript(WAIT);
            assertEquals(List.of("[TLS] CAPA", "[TLS] QUIT"),
                    server.received().stream().filter(l -> l.startsWith("[TLS]")).toList());
        }
    }
}
