package dev.starttls.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.starttls.pop3.Pop3Scripts.acceptLoginThenReadCommand;
import static dev.starttls.pop3.Pop3Scripts.greetAndOfferStls;
import static dev.starttls.pop3.Pop3Scripts.tlsSession;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a POP3 server (or an attacker in front of it) can break the upgrade, each with its failure kind. */
class Pop3FailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final TlsPolicy policy = ca.trustingPolicy();

    private static TlsUpgradeException fails(Failure expected, ScriptedServer server, TlsPolicy policy)
            throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> Pop3Tls.upgrade(socket, "localhost", policy));
        assertEquals(expected, e.failure(), e.toString());
        assertTrue(socket.isClosed(), "the socket must be closed after a failed upgrade");
        return e;
    }

    @Test
    void noStlsInCapaIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("+OK ready");
            c.readLine();
            c.send("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.STARTTLS_NOT_OFFERED, server, policy);
            assertEquals(List.of("CAPA"), server.receivedInClear(), "no USER/PASS/AUTH before TLS");
        }
    }

    @Test
    void capaAnsweredWithErrIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("+OK ready");
            c.readLine();
            c.sendLine("-ERR unknown command");
            c.readUntilClosed();
        })) {
            fails(Failure.STARTTLS_NOT_OFFERED, server, policy);
        }
    }

    @Test
    void stlsAnsweredWithErrIsRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine();
            c.sendLine("-ERR TLS not available");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = fails(Failure.STARTTLS_REFUSED, server, policy);
            assertEquals("-ERR TLS not available", e.reply().orElseThrow());
            assertTrue(e.getMessage().contains("refused STLS: -ERR TLS not available"), e.getMessage());
        }
    }

    @Test
    void aWholeLineInjectedAfterTheGoAheadIsInjection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine();
            c.send("+OK begin TLS\r\n+OK injected\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void aPartialLineInjectedAfterTheGoAheadIsInjection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine();
            c.send("+OK begin TLS\r\n+OK inj");
            c.readUntilClosed();
        })) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void aNonStatusAnswerToStlsIsProtocol() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine();
            c.sendLine("+ go on");
            c.readUntilClosed();
        })) {
            fails(Failure.PROTOCOL, server, policy);
        }
    }

    @Test
    void aWrongHostCertificateIsCertificate() throws Exception {
        try (ScriptedServer server = tlsSession(ca.issue("pop.example.com"), c -> c.readUntilClosed())) {
            fails(Failure.CERTIFICATE, server, policy);
        }
    }

    @Test
    void anEndlessCapaListIsLimit() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("+OK ready");
            c.readLine();
            c.send("+OK\r\n" + "X-CAP\r\n".repeat(5000));
            c.readUntilClosed();
        })) {
            fails(Failure.LIMIT, server, policy);
        }
    }

    @Test
    void aRetrThatNeverEndsIsLimitAndClosesTheSession() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(64 * 1024).build();
        try (ScriptedServer server = tlsSession(ca.issue("localhost"), c -> {
            acceptLoginThenReadCommand(c); // USER, PASS, RETR
            c.sendLine("+OK message follows");
            for (int i = 0; i < 2000; i++) {
                c.send("line " + i + " of a message that never ends ".repeat(3) + "\r\n");
            }
            c.readUntilClosed();
        }); Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", small)) {
            pop3.login("alice", "secret");
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> pop3.retrieve(1));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void aRetrThatStopsBeforeTheDotTimesOut() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(500)).build();
        try (ScriptedServer server = tlsSession(ca.issue("localhost"), c -> {
            acceptLoginThenReadCommand(c);
            c.send("+OK\r\nSubject: x\r\n\r\nbody but no terminating dot\r\n");
            c.readUntilClosed();
        }); Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", impatient)) {
            pop3.login("alice", "secret");
            assertEquals(Failure.TIMEOUT, assertThrows(TlsUpgradeException.class, () -> pop3.retrieve(1)).failure());
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void aDrippingRetrCannotStretchTheReplyDeadline() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(800)).build();
        try (ScriptedServer server = tlsSession(ca.issue("localhost"), c -> {
            acceptLoginThenReadCommand(c);
            c.sendLine("+OK 80 octets");
            for (int i = 0; i < 8; i++) { // each line well within the read timeout, the whole far beyond it
                c.pause(Duration.ofMillis(300));
                c.sendLine("line " + i);
            }
            c.sendLine(".");
            c.readUntilClosed();
        }); Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", impatient)) {
            pop3.login("alice", "secret");
            long start = System.nanoTime();
            assertEquals(Failure.TIMEOUT, assertThrows(TlsUpgradeException.class, () -> pop3.retrieve(1)).failure());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1500, "one deadline for the whole reply");
            assertTrue(pop3.socket().isClosed());
        }
    }

    @Test
    void retrUndoesDotStuffing() throws Exception {
        try (ScriptedServer server = tlsSession(ca.issue("localhost"), c -> {
            acceptLoginThenReadCommand(c);
            c.send("+OK\r\nSubject: x\r\n\r\n..leading dot\r\nplain\r\n.\r\n");
            c.readUntilClosed();
        }); Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            pop3.login("alice", "secret");
            assertEquals("Subject: x\r\n\r\n.leading dot\r\nplain\r\n",
                    new String(pop3.retrieve(1), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void opportunisticModeKeepsCredentialsBack() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("+OK ready");
            c.readLine();
            c.send("+OK\r\nUSER\r\n.\r\n");
            c.readUntilClosed();
        })) {
            try (Pop3Session pop3 = Pop3Tls.upgrade(new Socket("localhost", server.port()), "localhost",
                    policy.newBuilder().opportunistic(true).build())) {
                assertFalse(pop3.isTls());
                assertEquals(Failure.STARTTLS_NOT_OFFERED,
                        assertThrows(TlsUpgradeException.class, () -> pop3.login("alice", "secret")).failure());
            }
            server.awaitScript(WAIT);
            assertFalse(server.receivedInClear().stream().anyMatch(l -> l.startsWith("USER") || l.startsWith("PASS")));
        }
    }

    @Test
    void aSilentServerIsTimeoutSuggestingTheImplicitTlsPort() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(300)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> c.readUntilClosed())) { // waits for a ClientHello
            TlsUpgradeException e = fails(Failure.TIMEOUT, server, impatient);
            assertTrue(e.getMessage().contains("is this an implicit-TLS port (POP3 uses 995)?"), e.getMessage());
        }
    }
}
