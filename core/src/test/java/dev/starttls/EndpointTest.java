package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one connection verifies and resumes: {@link Endpoint#resumeAs} lets a connection to another port resume a
 * session (FTPS data channels), each connection measures its own handshake, and the endpoint's names and ALPN apply to
 * that connection alone.
 */
class EndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate server = ca.issue("localhost", "127.0.0.1");
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Two listeners sharing one server policy (and so one SSLContext and its session cache), like FTP 21 and data. */
    private final class TwoPortServer implements AutoCloseable {
        final ServerSocket control = listen();
        final ServerSocket data = listen();
        final TlsPolicy serverPolicy;

        TwoPortServer(TlsPolicy serverPolicy) {
            this.serverPolicy = serverPolicy;
        }

        /** Accepts one TLS client on {@code listener} and writes a line (a TLS 1.3 ticket goes out before it). */
        Future<Handshake> acceptOne(ServerSocket listener) {
            return pool.submit(() -> {
                try (Socket accepted = listener.accept()) {
                    SSLSocket tls = Upgrader.of(serverPolicy).acceptImplicit(accepted);
                    tls.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    tls.getInputStream().read(); // until the client closes
                    return Handshake.of(tls);
                }
            });
        }

        @Override
        public void close() throws IOException {
            control.close();
            data.close();
        }
    }

    private static ServerSocket listen() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects, reads the server's line (so a TLS 1.3 ticket is processed), returns the measured handshake. */
    private static Handshake connectAndRead(TlsPolicy policy, Endpoint endpoint, int port) throws Exception {
        return connectAndRead(policy, endpoint, new Socket(InetAddress.getLoopbackAddress(), port));
    }

    private static Handshake connectAndRead(TlsPolicy policy, Endpoint endpoint, Socket plain) throws Exception {
        TlsConnection tls = Upgrader.of(policy).upgrade(plain, endpoint);
        try (SSLSocket socket = tls.socket()) {
            assertEquals("hello", LineReader.of(socket, 1024).readLine(Deadline.after(WAIT)));
        }
        return tls.handshake();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aConnectionToAnotherPortResumesTheSessionItNamesInResumeAs(String protocol) throws Exception {
        TlsPolicy client = ca.trustingPolicy().newBuilder().protocols(protocol).build();
        try (TwoPortServer servers = new TwoPortServer(server.serverPolicy().newBuilder().protocols(protocol).build())) {
            int controlPort = servers.control.getLocalPort();
            int dataPort = servers.data.getLocalPort();
            servers.acceptOne(servers.control);
            Handshake control = connectAndRead(client, Endpoint.of("localhost", controlPort), controlPort);
            Future<Handshake> seenByServer = servers.acceptOne(servers.data);
            Handshake data = connectAndRead(client,
                    Endpoint.of("localhost", dataPort).resumeAs("localhost", controlPort), dataPort);
            assertFalse(control.resumed(), control.toString());
            assertTrue(data.resumed(), "the data connection must resume the control session: " + data);
            assertEquals(protocol, data.protocol());
            seenByServer.get();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void withoutResumeAsAConnectionToAnotherPortDoesNotResume(String protocol) throws Exception {
        TlsPolicy client = ca.trustingPolicy().newBuilder().protocols(protocol).build();
        try (TwoPortServer servers = new TwoPortServer(server.serverPolicy().newBuilder().protocols(protocol).build())) {
            int controlPort = servers.control.getLocalPort();
            int dataPort = servers.data.getLocalPort();
            servers.acceptOne(servers.control);
            connectAndRead(client, Endpoint.of("localhost", controlPort), controlPort);
            servers.acceptOne(servers.data);
            Handshake data = connectAndRead(client, Endpoint.of("localhost", dataPort), dataPort);
            assertFalse(data.resumed(), "a different port is a different cache key in JDK 17: " + data);
        }
    }

    @Test
    void aResumedConnectionReportsItsOwnHandshakeDurationNotTheSessionsFirst() throws Exception {
        TlsPolicy client = ca.trustingPolicy().newBuilder().protocols("TLSv1.2").build();
        try (TwoPortServer servers = new TwoPortServer(server.serverPolicy().newBuilder().protocols("TLSv1.2").build())) {
            int port = servers.control.getLocalPort();
            servers.acceptOne(servers.control);
            Handshake first = connectAndRead(client, Endpoint.of("localhost", port), port);
            servers.acceptOne(servers.control);
            Handshake second = connectAndRead(client, Endpoint.of("localhost", port), port);
            servers.acceptOne(servers.control);
            Handshake third = connectAndRead(client, Endpoint.of("localhost", port), port);
            assertTrue(second.resumed() && third.resumed(), second + " / " + third);
            // the three share one SSLSession; each connection keeps the duration it measured itself
            assertNotEquals(first.duration(), second.duration());
            assertNotEquals(second.duration(), third.duration());
            assertTrue(second.duration().toNanos() > 0 && third.duration().toNanos() > 0);
        }
    }

    @Test
    void aServerNameVerifiesAndIsSentInsteadOfTheHostConnectedTo() throws Exception {
        HeldCertificate aliased = ca.issue("mail.example.test");
        try (ServerSocket listener = listen()) {
            Future<Optional<String>> sniSeen = pool.submit(() -> {
                try (Socket accepted = listener.accept()) {
                    SSLSocket tls = Upgrader.of(aliased.serverPolicy()).acceptImplicit(accepted);
                    var names = ((javax.net.ssl.ExtendedSSLSession) tls.getSession()).getRequestedServerNames();
                    tls.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                    tls.getInputStream().read();
                    return names.stream().map(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII)).findFirst();
                }
            });
            Handshake handshake = connectAndRead(ca.trustingPolicy(),
                    Endpoint.of("127.0.0.1", listener.getLocalPort()).withServerName("mail.example.test"),
                    listener.getLocalPort());
            assertEquals(aliased.certificate(), handshake.peerCertificates().get(0));
            assertEquals(Optional.of("mail.example.test"), sniSeen.get());
        }
    }

    @Test
    void alpnOfOneEndpointAppliesToThatConnectionOnly() throws Exception {
        TlsPolicy serverPolicy = server.serverPolicy().newBuilder().applicationProtocols("http/1.1", "smtp").build();
        try (TwoPortServer servers = new TwoPortServer(serverPolicy)) {
            int port = servers.control.getLocalPort();
            servers.acceptOne(servers.control);
            Handshake web = connectAndRead(ca.trustingPolicy(),
                    Endpoint.of("localhost", port).withApplicationProtocols("http/1.1"), port);
            servers.acceptOne(servers.control);
            Handshake plainOne = connectAndRead(ca.trustingPolicy(), Endpoint.of("localhost", port), port);
            assertEquals(Optional.of("http/1.1"), web.applicationProtocol());
            assertEquals(Optional.empty(), plainOne.applicationProtocol());
        }
    }

    @Test
    void aNameSniCannotCarryIsStillVerifiedAndGetsNoSni() throws Exception {
        Endpoint underscore = Endpoint.of("mail_relay.example", 25);
        assertEquals(Optional.empty(), underscore.sniName());
        assertEquals("mail_relay.example", underscore.verifiedName());
        try (ServerSocket listener = listen()) {
            pool.submit(() -> {
                try (Socket accepted = listener.accept()) {
                    Upgrader.of(server.serverPolicy()).acceptImplicit(accepted).getInputStream().read();
                }
                return null;
            });
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> Upgrader.of(ca.trustingPolicy())
                    .upgrade(plain, Endpoint.of("mail_relay.example", listener.getLocalPort())));
            assertEquals(Failure.CERTIFICATE, e.failure(), e.toString());
            assertTrue(plain.isClosed());
        }
    }

    /** Accepts TLS clients with the {@code localhost} certificate until closed. */
    private Future<?> acceptForever(ServerSocket listener) {
        return pool.submit(() -> {
            while (!listener.isClosed()) {
                try (Socket accepted = listener.accept()) {
                    SSLSocket tls = Upgrader.of(ca.issue("localhost").serverPolicy()).acceptImplicit(accepted);
                    tls.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                    tls.getInputStream().read();
                } catch (IOException e) {
                    // the client refused the certificate, or the listener closed
                }
            }
            return null;
        });
    }

    @Test
    void aSocketConnectedByNameIsVerifiedAgainstThatName() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "only JSSE can see the name a socket was "
                + "connected with; other providers verify the address (stricter), see BoringSslProviderTest");
        try (ServerSocket listener = listen()) {
            acceptForever(listener);
            Socket plain = new Socket("localhost", listener.getLocalPort());
            Handshake handshake = connectAndRead(ca.trustingPolicy(), Endpoint.ofConnected(plain), plain);
            assertEquals("localhost", handshake.peerCertificates().get(0).getSubjectX500Principal().getName()
                    .replace("CN=", ""));
        }
    }

    @Test
    void aSocketConnectedByAddressIsVerifiedAgainstTheAddressEvenAfterAReverseLookup() throws Exception {
        try (ServerSocket listener = listen()) {
            acceptForever(listener);
            Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());
            assertEquals("localhost", plain.getInetAddress().getHostName()); // a log line did a reverse lookup
            Endpoint endpoint = Endpoint.ofConnected(plain);
            assertEquals("127.0.0.1", endpoint.host());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(ca.trustingPolicy()).upgrade(plain, endpoint));
            assertEquals(Failure.CERTIFICATE, e.failure(), e.toString()); // the certificate names localhost only
            assertTrue(plain.isClosed());
        }
    }

    @Test
    void malformedHostsAndPortsAreRefusedWhenTheEndpointIsMade() {
        for (String bad : new String[] {"", " ", "mail example.com", "mail.example.com\r\nQUIT", "user@host",
                "host/path", "host:25"}) {
            assertThrows(IllegalArgumentException.class, () -> Endpoint.of(bad, 25), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("localhost", 65536));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("localhost", -1));
        assertEquals("::1", Endpoint.of("[::1]", 993).host());
        assertEquals("[::1]:993", Endpoint.of("::1", 993).toString());
        assertEquals(Optional.empty(), Endpoint.of("192.0.2.1", 25).sniName());
        assertEquals(Optional.of("mail.example.com"), Endpoint.of("mail.example.com.", 25).sniName());
    }
}
