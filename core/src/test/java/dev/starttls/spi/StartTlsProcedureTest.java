package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.AddingAProtocolTest.ToyDialogue;
import dev.starttls.spi.AddingAProtocolTest.ToySession;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link StartTls} does for every protocol beyond the hostile-server contract: implicit TLS, connecting, the
 * upgrade report of each mode, the messages of refusals and wrong-mode hints, and arguments it refuses.
 */
class StartTlsProcedureTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private static final HeldCertificate LOCALHOST = CA.issue("localhost", "127.0.0.1");
    private final TlsPolicy policy = CA.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(3)).build();

    private static ScriptedServer.Script upTo(String answerToStartTls) {
        return c -> {
            c.sendLine("OK toy ready");
            c.readLine(); // CAPS
            c.send("STARTTLS\r\nPLAIN\r\n.\r\n");
            c.readLine(); // STARTTLS
            c.sendLine(answerToStartTls);
            c.readUntilClosed();
        };
    }

    private static Socket connect(ScriptedServer server) throws Exception {
        return new Socket(InetAddress.getLoopbackAddress(), server.port());
    }

    @Test
    void implicitTlsHandshakesFirstAndReadsEverythingInsideTls() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.sendLine("OK toy ready, inside TLS");
            c.readLine(); // CAPS
            c.send("LOGIN\r\n.\r\n");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            try (ToySession toy = StartTls.implicit(socket, Endpoint.of("localhost", server.port()), policy,
                    new ToyDialogue())) {
                assertTrue(toy.isTls());
                assertTrue(toy.report().implicit());
                assertEquals(List.of(), toy.report().capabilitiesBeforeTls());
                assertEquals(Duration.ZERO, toy.report().plaintext());
                assertEquals(Duration.ZERO, toy.report().connect(), "the caller connected the socket");
                assertEquals(List.of("LOGIN"), toy.capabilities());
                assertEquals(Endpoint.of("localhost", server.port()), toy.endpoint());
                assertTrue(toy.sslSocket().getSession().isValid());
                assertTrue(toy.toString().startsWith("ToySession{localhost:" + server.port() + ", Handshake{TLSv1.3"),
                        toy.toString());
            }
            assertEquals(List.of(), server.receivedInClear());
        }
    }

    @Test
    void connectAndConnectImplicitMeasureTheConnect() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.sendLine("OK ready");
            c.readLine();
            c.send(".\r\n");
            c.readUntilClosed();
        }); ToySession toy = StartTls.connectImplicit(Endpoint.of("localhost", server.port()), policy,
                new ToyDialogue())) {
            assertTrue(toy.report().implicit());
            assertTrue(toy.report().connect().toNanos() > 0);
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("OK ready");
            c.readLine();
            c.send("STARTTLS\r\n.\r\n");
            c.readLine();
            c.sendLine("OK go");
            c.startTls(LOCALHOST);
            c.readLine();
            c.send("AFTER\r\n.\r\n");
            c.readUntilClosed();
        }); ToySession toy = StartTls.connect(Endpoint.of("localhost", server.port()), policy, new ToyDialogue())) {
            assertFalse(toy.report().implicit());
            assertTrue(toy.report().connect().toNanos() > 0);
            assertTrue(toy.report().plaintext().toNanos() > 0);
            assertTrue(toy.report().afterTls().toNanos() > 0);
            assertEquals(List.of("STARTTLS"), toy.report().capabilitiesBeforeTls());
            assertEquals(List.of("AFTER"), toy.capabilities());
        }
    }

    @Test
    void anOpportunisticFallbackReportsNoHandshakeAndKeepsTheClearCapabilities() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(upTo("NO not today"));
                ToySession toy = StartTls.upgrade(connect(server), Endpoint.of("localhost", server.port()),
                        policy.newBuilder().opportunistic(true).build(), new ToyDialogue())) {
            assertFalse(toy.isTls());
            assertEquals(Optional.empty(), toy.handshake());
            assertEquals(List.of("STARTTLS", "PLAIN"), toy.capabilities());
            assertEquals(List.of("STARTTLS", "PLAIN"), toy.report().capabilitiesBeforeTls());
            assertEquals(Duration.ZERO, toy.report().handshake());
            assertEquals(Duration.ZERO, toy.report().afterTls());
            assertTrue(toy.toString().endsWith(", plaintext, capabilities=[STARTTLS, PLAIN]}"), toy.toString());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> toy.login("alice", "secret"));
            assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
        }
    }

    @Test
    void aRefusalSaysWhoRefusedWhatAndCarriesTheReply() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(upTo("NO not today"))) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(socket,
                    Endpoint.of("localhost", server.port()), policy, new ToyDialogue()));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertEquals("localhost:" + server.port() + " refused STARTTLS: NO not today", e.getMessage());
            assertEquals(Optional.of("NO not today"), e.reply());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void anUnexpectedAnswerSaysThereWasNoGoAheadEvenWhenOpportunistic() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(upTo("MAYBE later"))) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(socket,
                    Endpoint.of("localhost", server.port()), policy.newBuilder().opportunistic(true).build(),
                    new ToyDialogue()));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertEquals("localhost:" + server.port() + " did not give its go-ahead to STARTTLS: MAYBE later",
                    e.getMessage());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void aStrippedUpgradeIsNamedAsPossibleStripping() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("OK toy ready");
            c.readLine();
            c.send("PLAIN\r\n.\r\n");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(connect(server),
                    Endpoint.of("localhost", server.port()), policy, new ToyDialogue()));
            assertEquals("localhost:" + server.port() + " did not offer STARTTLS (possible STARTTLS stripping); "
                    + "TLS is required by the policy", e.getMessage());
        }
    }

    @Test
    void aServerThatSaysNothingAtAllMayBeAnImplicitTlsPort() throws Exception {
        TlsPolicy quick = policy.newBuilder().readTimeout(Duration.ofMillis(500)).build();
        try (ScriptedServer server = ScriptedServer.start(ScriptedServer.Conversation::readUntilClosed)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(connect(server),
                    Endpoint.of("localhost", server.port()), quick, new ToyDialogue()));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertTrue(e.getMessage().endsWith("the server sent no greeting at all; is this an implicit-TLS port "
                    + "(TOY uses 9993)? use connectImplicit"), e.getMessage());
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("OK half a greeting"); // something arrived: not an implicit-TLS port, just slow
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(connect(server),
                    Endpoint.of("localhost", server.port()), quick, new ToyDialogue()));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertFalse(e.getMessage().contains("implicit-TLS"), e.getMessage());
        }
    }

    @Test
    void aGreetingThatRulesTheUpgradeOutFailsWhenRequired() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("NO go away");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> StartTls.upgrade(socket,
                    Endpoint.of("localhost", server.port()), policy, new ToyDialogue()));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void refusesAClosedSocketAndMissingArguments() throws Exception {
        Endpoint endpoint = Endpoint.of("localhost", 25);
        Socket closed = new Socket();
        closed.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StartTls.upgrade(closed, endpoint, policy, new ToyDialogue()));
        assertEquals("the socket to localhost:25 is closed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StartTls.implicit(closed, endpoint, policy,
                new ToyDialogue()));
        Socket open = new Socket();
        assertThrows(NullPointerException.class, () -> StartTls.upgrade(open, null, policy, new ToyDialogue()));
        assertThrows(NullPointerException.class, () -> StartTls.upgrade(open, endpoint, null, new ToyDialogue()));
        assertThrows(NullPointerException.class, () -> StartTls.upgrade(open, endpoint, policy, null));
        assertThrows(NullPointerException.class, () -> StartTls.upgrade(null, endpoint, policy, new ToyDialogue()));
        open.close();
    }

    @Test
    void theEndpointOfAnUnconnectedSocketIsRefusedAndTheSocketClosed() throws Exception {
        Socket unconnected = new Socket();
        assertThrows(IllegalArgumentException.class, () -> StartTls.endpoint(unconnected));
        assertTrue(unconnected.isClosed());
        Socket another = new Socket();
        assertThrows(IllegalArgumentException.class, () -> StartTls.endpoint(another, "mail.example.com\r\n"));
        assertTrue(another.isClosed());
        assertThrows(NullPointerException.class, () -> StartTls.endpoint(null));
    }
}
