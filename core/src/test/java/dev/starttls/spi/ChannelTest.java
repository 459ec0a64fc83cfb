package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.Endpoint;
import dev.starttls.TlsConnection;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The channel a dialogue reads and writes through: one write per command, bounded writes, and what it reports. */
class ChannelTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private final TlsPolicy policy = CA.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aPlainChannelWritesLinesAndBytesAndReadsReplies() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            Channel channel = Channel.open(client, policy, Endpoint.of("localhost", listener.getLocalPort()));
            assertTrue(client.getTcpNoDelay(), "no Nagle delay on commands");
            assertFalse(channel.isTls());
            assertEquals(Optional.empty(), channel.handshake());
            assertSame(client, channel.socket());
            assertSame(policy, channel.policy());
            assertEquals("localhost:" + listener.getLocalPort(), channel.peer());
            IllegalStateException notTls = assertThrows(IllegalStateException.class, channel::sslSocket);
            assertTrue(notTls.getMessage().endsWith("is not TLS (opportunistic fallback)"), notTls.getMessage());

            channel.send("EHLO client.example");
            channel.sendGoodbye("QUIT");
            channel.sendRaw(new byte[] {'a', 'b'});
            assertArrayEquals("EHLO client.example\r\nQUIT\r\nab".getBytes(StandardCharsets.US_ASCII),
                    server.getInputStream().readNBytes(29));

            server.getOutputStream().write("250-one\r\n250 two\r\n211-FEAT\r\n AUTH TLS\r\n211 End\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(List.of("one", "two"), channel.readNumericReply().lines());
            assertEquals(List.of("FEAT", " AUTH TLS", "End"), channel.readRfc959Reply().lines());

            assertFalse(channel.isClosed());
            channel.requireOpen("TOY");
            channel.close();
            assertTrue(channel.isClosed());
            assertTrue(client.isClosed());
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> channel.requireOpen("TOY"));
            assertEquals("the TOY session with localhost:" + listener.getLocalPort() + " is closed",
                    closed.getMessage());
        }
    }

    @Test
    void aWriteToAPeerThatStoppedReadingTimesOutAndClosesTheChannel() throws Exception {
        TlsPolicy quickWrites = policy.newBuilder().writeTimeout(Duration.ofMillis(300)).build();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) { // never reads
            Channel channel = Channel.open(client, quickWrites, Endpoint.of("localhost", listener.getLocalPort()));
            byte[] big = new byte[64 * 1024 * 1024];
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> channel.sendRaw(big));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertTrue(e.getMessage().endsWith("did not complete within 300 ms: the server stopped reading"),
                    e.getMessage());
            assertTrue(channel.isClosed());
            assertTrue(client.isClosed());
        }
    }

    @Test
    void aWriteToAClosedConnectionIsATypedFailureNamingThePeer() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Channel channel = Channel.open(client, policy, Endpoint.of("localhost", listener.getLocalPort()));
            client.close();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> channel.send("NOOP"));
            assertEquals(Failure.CLOSED, e.failure());
            assertTrue(e.getMessage().startsWith("cannot write to localhost:"), e.getMessage());
        }
    }

    @Test
    void openingAClosedSocketFailsAndNamesTheEndpoint() throws Exception {
        Socket closed = new Socket();
        closed.close();
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> Channel.open(closed, policy, Endpoint.of("mail.example.com", 25)));
        assertTrue(e.getMessage().startsWith("cannot use the connection to mail.example.com:25"), e.getMessage());
    }

    @Test
    void closeOnFailureClosesForTypedAndRuntimeFailuresAndPassesResultsThrough() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Channel channel = Channel.open(client, policy, Endpoint.of("localhost", listener.getLocalPort()));
            assertEquals("ok", channel.closeOnFailure(() -> "ok"));
            assertFalse(channel.isClosed());
            assertThrows(IllegalStateException.class, () -> channel.closeOnFailure(() -> {
                throw new IllegalStateException("bug");
            }));
            assertTrue(client.isClosed());
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Channel channel = Channel.open(client, policy, Endpoint.of("localhost", listener.getLocalPort()));
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> channel.closeOnFailure(() -> {
                throw new TlsUpgradeException(Failure.PROTOCOL, "bad reply");
            }));
            assertEquals(Failure.PROTOCOL, e.failure());
            assertTrue(client.isClosed());
        }
    }

    @Test
    void theClosingDeadlineIsTheReadTimeoutButNeverMoreThanTwoSeconds() {
        try (Loopback pair = new Loopback()) {
            Channel quick = Channel.open(pair.client, policy.newBuilder().readTimeout(Duration.ofMillis(500)).build(),
                    Endpoint.of("localhost", 25));
            assertEquals(Duration.ofMillis(500), quick.closingDeadline().timeout());
            Channel slow = Channel.open(pair.client, policy.newBuilder().readTimeout(Duration.ofSeconds(30)).build(),
                    Endpoint.of("localhost", 25));
            assertEquals(Duration.ofSeconds(2), slow.closingDeadline().timeout());
            assertEquals(Duration.ofSeconds(30), slow.replyDeadline().timeout());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTlsChannelReportsItsMeasuredHandshakeAndTheNameItVerified() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "only JSSE can see the name a socket was "
                + "connected with; other providers verify the address (stricter), see BoringSslProviderTest");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(CA.issue("localhost"));
            c.readUntilClosed();
        })) {
            Socket plain = new Socket("localhost", server.port());
            Endpoint connected = Endpoint.ofConnected(plain);
            TlsConnection tls = Upgrader.of(policy).upgrade(plain, connected);
            Channel channel = Channel.open(tls, plain, policy, connected);
            assertTrue(channel.isTls());
            assertSame(tls.handshake(), channel.handshake().orElseThrow(), "the handshake measured for this connection");
            assertEquals("localhost", channel.endpoint().host(), "the name JSSE verified, not the address");
            assertSame(tls.socket(), channel.sslSocket());
            channel.requireTlsForCredentials();
            channel.close();
            assertTrue(plain.isClosed(), "closing a TLS channel closes the connection under it");
        }
    }

    /** A connected pair of loopback sockets. */
    private static final class Loopback implements AutoCloseable {
        final Socket client;
        final Socket server;

        Loopback() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                server = listener.accept();
            }
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close();
        }
    }
}
