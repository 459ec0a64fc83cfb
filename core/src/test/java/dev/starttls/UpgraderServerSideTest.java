package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The server side of an upgrade (a test server, a front, a relay) and the plain connect: bad arguments and failures
 * leave nothing open, and the wrong-mode hints name what a caller should do instead.
 */
class UpgraderServerSideTest {
    private static final Deadline LONG = Deadline.after(Duration.ofSeconds(30));
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private static final HeldCertificate LOCALHOST = CA.issue("localhost", "127.0.0.1");

    @Test
    void aGoAheadLineWithCrLfIsRefusedAndTheConnectionClosed() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.server, 1024);
            assertThrows(IllegalArgumentException.class,
                    () -> Upgrader.of(LOCALHOST.serverPolicy()).acceptUpgrade(reader, "220 go\r\n250 injected"));
            assertTrue(pair.server.isClosed(), "nothing left half-done");
            assertEquals(-1, pair.client.getInputStream().read(), "and nothing was written");
        }
    }

    @Test
    void aServerWithoutACertificateCannotAcceptTls() throws Exception {
        try (Loopback pair = new Loopback()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Upgrader.of(CA.trustingPolicy()).acceptImplicit(pair.server));
            assertEquals("the policy has no server certificate: use serverCertificate(...)", e.getMessage());
            assertTrue(pair.server.isClosed());
        }
    }

    @Test
    void aClientSpeakingPlaintextToAnImplicitTlsServerIsAHandshakeFailureAndClosed() throws Exception {
        try (Loopback pair = new Loopback()) {
            pair.client.getOutputStream().write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(LOCALHOST.serverPolicy()).acceptImplicit(pair.server));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
            assertTrue(e.getMessage().startsWith("TLS handshake with client "), e.getMessage());
            assertTrue(pair.server.isClosed());
        }
    }

    @Test
    void theGoAheadIsSentAndTheHandshakeCompletes() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            LineReader plain = LineReader.of(c.socket(), 1024);
            plain.readLine(LONG); // STARTTLS
            SSLSocket tls = Upgrader.of(LOCALHOST.serverPolicy()).acceptUpgrade(plain, "220 Ready");
            tls.getOutputStream().write("250 inside\r\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            c.readUntilClosed();
        }); Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            LineReader reader = LineReader.of(socket, 1024);
            assertEquals("220 Ready", reader.readLine(LONG));
            TlsConnection tls = Upgrader.of(CA.trustingPolicy()).upgrade(reader, Endpoint.of("localhost", server.port()));
            assertEquals("250 inside", LineReader.of(tls.socket(), 1024).readLine(LONG));
            assertFalse(tls.handshake().resumed());
            assertTrue(tls.handshake().duration().toNanos() > 0);
            tls.socket().close();
        }
    }

    @Test
    void implicitTlsToAPlaintextPortQuotesWhatTheServerSaidAndSaysWhatToDo() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 mail.example.com ESMTP");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(CA.trustingPolicy()).connect("localhost", server.port()));
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertTrue(e.getMessage().contains("the server sent '220 mail.example.com ESMTP' in clear instead of TLS; "
                    + "this looks like a plaintext or STARTTLS port: use connect/upgrade (STARTTLS) instead of "
                    + "connectImplicit"), e.getMessage());
        }
    }

    @Test
    void throughATunnelThePlaintextHintBlamesTheProxyOrTheServerBehindIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("HTTP/1.1 502 Bad Gateway");
            c.readUntilClosed();
        })) {
            Socket proxy = new Socket(InetAddress.getLoopbackAddress(), server.port());
            TunneledSocket tunnel = TunneledSocket.over(proxy, "localhost", 465, new byte[0]);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(CA.trustingPolicy()).upgrade(tunnel, Endpoint.ofConnected(tunnel)));
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertTrue(e.getMessage().endsWith("the proxy, or the server behind it, answered in clear instead of TLS"),
                    e.getMessage());
            assertTrue(proxy.isClosed());
        }
    }

    @Test
    void binaryGarbageGetsNoPlaintextHint() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendBytes(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, '\r', '\n'});
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(CA.trustingPolicy()).connect("localhost", server.port()));
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertFalse(e.getMessage().contains("in clear"), e.getMessage());
        }
    }

    @Test
    void aCertificateFailureGetsNoPlaintextHintEvenIfTheServerLaterSpeaksText() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(CA.issue("other.example"));
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(CA.trustingPolicy()).connect("localhost", server.port()));
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertFalse(e.getMessage().contains("in clear"), e.getMessage());
        }
    }

    @Test
    void aPlainConnectSetsNoDelayAndARefusedOneIsConnect() throws Exception {
        Upgrader upgrader = Upgrader.of(CA.trustingPolicy());
        assertSame(CA.trustingPolicy().getClass(), upgrader.policy().getClass());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = upgrader.connectPlain("127.0.0.1", listener.getLocalPort())) {
            assertTrue(socket.isConnected());
            assertTrue(socket.getTcpNoDelay(), "no Nagle delay on the plaintext dialogue");
        }
        int closedPort;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = listener.getLocalPort();
        }
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> upgrader.connectPlain("127.0.0.1", closedPort));
        assertEquals(Failure.CONNECT, e.failure());
        assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + closedPort), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> upgrader.connectPlain("bad host", 25));
    }

    @Test
    void upgradingAClosedSocketIsATypedFailure() throws Exception {
        Socket closed = new Socket();
        closed.close();
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> Upgrader.of(CA.trustingPolicy()).upgrade(closed, Endpoint.of("localhost", 25)));
        assertTrue(e.getMessage().startsWith("cannot layer TLS on the connection to localhost:25"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Upgrader.of(null));
    }
}
