package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The core {@link Upgrader} against real TLS servers with certificates from the test kit. */
class UpgraderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();

    private static ScriptedServer tlsServer(HeldCertificate certificate) {
        return ScriptedServer.start(c -> {
            c.startTls(certificate);
            c.sendLine("hello over TLS");
            c.readUntilClosed();
        });
    }

    /** Upgrades a socket we hold, so the test can check it was closed on failure. */
    private static TlsUpgradeException failedUpgrade(TlsPolicy policy, String host, int port) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> Upgrader.of(policy).upgrade(plain, host, port));
        assertTrue(plain.isClosed(), "the plain socket must be closed after a failed upgrade");
        return e;
    }

    @Test
    void handshakeReportsProtocolSuitePeerChainAndDuration() throws Exception {
        HeldCertificate cert = ca.issue("localhost", "127.0.0.1");
        try (ScriptedServer server = tlsServer(cert)) {
            TlsConnection connection = Upgrader.of(ca.trustingPolicy()).connect(Endpoint.of("localhost", server.port()));
            SSLSocket tls = connection.socket();
            Handshake handshake = connection.handshake();
            assertEquals("TLSv1.3", handshake.protocol());
            assertTrue(handshake.cipherSuite().startsWith("TLS_"), handshake.cipherSuite());
            assertEquals(cert.certificate(), handshake.peerCertificates().get(0));
            assertTrue(handshake.localCertificates().isEmpty());
            assertFalse(handshake.resumed());
            assertTrue(handshake.duration().toNanos() > 0);
            assertEquals("hello over TLS", LineReader.of(tls, 1024).readLine(Deadline.after(WAIT)));
            tls.close();
        }
    }

    @Test
    void tls12CanBeChosenByPolicy() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("localhost"));
                SSLSocket tls = Upgrader.of(ca.trustingPolicy().newBuilder().protocols("TLSv1.2").build())
                        .connect("localhost", server.port())) {
            assertEquals("TLSv1.2", Handshake.of(tls).protocol());
        }
    }

    @Test
    void trustPemTrustsExactlyTheCasInTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TlsPolicy fromPem = TlsPolicy.builder().trustPem(ca.writeCertificatePem(dir.resolve("ca.pem"))).build();
        try (ScriptedServer server = tlsServer(ca.issue("localhost"));
                SSLSocket tls = Upgrader.of(fromPem).connect("localhost", server.port())) {
            assertEquals("TLSv1.3", Handshake.of(tls).protocol());
        }
        try (ScriptedServer server = tlsServer(CertificateAuthority.create().issue("localhost"))) {
            assertEquals(Failure.CERTIFICATE, failedUpgrade(fromPem, "localhost", server.port()).failure());
        }
    }

    @Test
    void theCipherSuitesOfThePolicyAreTheOnesOffered() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "BoringSSL always offers every TLS 1.3 suite; "
                + "BoringSslProviderTest checks that it then refuses a suite the policy does not enable");
        TlsPolicy onlyAes128 = ca.trustingPolicy().newBuilder().cipherSuites("TLS_AES_128_GCM_SHA256").build();
        try (ScriptedServer server = tlsServer(ca.issue("localhost"));
                SSLSocket tls = Upgrader.of(onlyAes128).connect("localhost", server.port())) {
            assertEquals("TLS_AES_128_GCM_SHA256", Handshake.of(tls).cipherSuite());
        }
    }

    @Test
    void reportsTheAlpnProtocolBothSidesAgreedOn() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        TlsPolicy server = cert.serverPolicy().newBuilder().applicationProtocols("h2", "http/1.1").build();
        try (ScriptedServer listener = ScriptedServer.start(c -> {
            c.startTls(server);
            c.sendLine("hello");
            c.readUntilClosed();
        })) {
            TlsPolicy client = ca.trustingPolicy().newBuilder().applicationProtocols("http/1.1").build();
            try (SSLSocket tls = Upgrader.of(client).connect("localhost", listener.port())) {
                assertEquals(java.util.Optional.of("http/1.1"), Handshake.of(tls).applicationProtocol());
            }
            try (SSLSocket tls = Upgrader.of(ca.trustingPolicy()).connect("localhost", listener.port())) {
                assertEquals(java.util.Optional.empty(), Handshake.of(tls).applicationProtocol());
            }
        }
    }

    @Test
    void sendsSniEvenForTheDotlessNameLocalhost() throws Exception {
        AtomicReference<List<SNIServerName>> requested = new AtomicReference<>();
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(cert);
            requested.set(((ExtendedSSLSession) ((SSLSocket) c.socket()).getSession()).getRequestedServerNames());
            c.sendLine("ok");
            c.readUntilClosed();
        }); SSLSocket tls = Upgrader.of(ca.trustingPolicy()).connect("localhost", server.port())) {
            LineReader.of(tls, 1024).readLine(Deadline.after(WAIT));
            assertEquals(List.of(new SNIHostName("localhost")), requested.get());
        }
    }

    @Test
    void anIpLiteralIsVerifiedAgainstIpSubjectAltNames() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("localhost", "127.0.0.1"));
                SSLSocket tls = Upgrader.of(ca.trustingPolicy()).connect("127.0.0.1", server.port())) {
            assertEquals("TLSv1.3", Handshake.of(tls).protocol());
        }
        try (ScriptedServer server = tlsServer(ca.issue("localhost"))) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "127.0.0.1", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("does not match the host name"), e.getMessage());
        }
    }

    @Test
    void rejectsAnExpiredCertificate() throws Exception {
        try (ScriptedServer server = tlsServer(ca.leaf().names("localhost").expired().build())) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("expired"), e.getMessage());
            assertTrue(e.getMessage().contains("CN=localhost") && e.getMessage().contains("DNS:localhost"),
                    "the message names subject and SANs: " + e.getMessage());
        }
    }

    @Test
    void rejectsACertificateThatIsNotYetValid() throws Exception {
        try (ScriptedServer server = tlsServer(ca.leaf().names("localhost").notYetValid().build())) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("not yet valid"), e.getMessage());
        }
    }

    @Test
    void rejectsACertificateForAnotherHost() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("mail.example.com"))) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("does not match the host name"), e.getMessage());
        }
    }

    @Test
    void rejectsASelfSignedCertificate() throws Exception {
        try (ScriptedServer server = tlsServer(CertificateAuthority.selfSigned("localhost"))) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("self-signed"), e.getMessage());
        }
    }

    @Test
    void rejectsACertificateFromAnUntrustedCa() throws Exception {
        CertificateAuthority other = CertificateAuthority.create();
        try (ScriptedServer server = tlsServer(other.issue("localhost"))) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
        }
    }

    @Test
    void theDefaultPolicyDoesNotTrustATestCa() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("localhost"))) {
            assertEquals(Failure.CERTIFICATE, failedUpgrade(TlsPolicy.defaults(), "localhost", server.port()).failure());
        }
    }

    @Test
    void rejectsACnOnlyCertificateThatTheJdkAloneWouldAccept() throws Exception {
        try (ScriptedServer server = tlsServer(ca.leaf().commonName("localhost").build())) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("subjectAltName"), e.getMessage());
        }
    }

    @Test
    void aDnsNameIsNeverMatchedAgainstTheCommonName() throws Exception {
        // subject CN=localhost, only an IP subjectAltName: the JDK alone falls back to the CN and accepts
        try (ScriptedServer server = tlsServer(ca.leaf().commonName("localhost").names("127.0.0.1").build())) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("does not match the host name"), e.getMessage());
        }
    }

    @Test
    void aWildcardMatchesExactlyOneWholeLeftMostLabel() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("*.example.com"));
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
                SSLSocket tls = Upgrader.of(ca.trustingPolicy()).upgrade(plain, "mail.example.com", server.port())) {
            assertEquals("TLSv1.3", Handshake.of(tls).protocol());
        }
    }

    @ParameterizedTest(name = "SAN {0} does not match {1}")
    @CsvSource({
        "*.com, example.com",            // wildcard over a public suffix (fewer than two labels after it)
        "f*.example.com, foo.example.com", // partial wildcard
        "*.example.com, a.b.example.com",  // a wildcard covers one label only
        "*.example.com, example.com",
        "mail.*.com, mail.example.com",    // not the left-most label
    })
    void refusesWildcardsThatRfc6125Forbids(String san, String host) throws Exception {
        try (ScriptedServer server = tlsServer(ca.leaf().commonName(host).names(san).build())) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), host, server.port());
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(e.getMessage().contains("does not match the host name"), e.getMessage());
        }
    }

    @Test
    void garbageInsteadOfAServerHelloIsAHandshakeFailure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            c.pause(Duration.ofSeconds(2));
        })) {
            assertEquals(Failure.HANDSHAKE, failedUpgrade(ca.trustingPolicy(), "localhost", server.port()).failure());
        }
    }

    @Test
    void aTls11OnlyServerIsAHandshakeFailure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readBytes(5); // the ClientHello has begun
            c.sendTls11ServerHello();
            c.pause(Duration.ofSeconds(2));
        })) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertTrue(e.getMessage().contains("TLS11") || e.getMessage().contains("protocol"), e.getMessage());
        }
    }

    @Test
    void aServerThatClosesDuringTheHandshakeIsClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> c.pause(Duration.ofMillis(100)))) {
            TlsUpgradeException e = failedUpgrade(ca.trustingPolicy(), "localhost", server.port());
            assertEquals(Failure.CLOSED, e.failure(), e.toString());
        }
    }

    @Test
    void aSilentServerTimesOutOnTheHandshakeDeadline() throws Exception {
        TlsPolicy impatient = ca.trustingPolicy().newBuilder().handshakeTimeout(Duration.ofMillis(300)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> c.pause(Duration.ofSeconds(5)))) {
            long start = System.nanoTime();
            TlsUpgradeException e = failedUpgrade(impatient, "localhost", server.port());
            assertEquals(Failure.TIMEOUT, e.failure());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        }
    }

    @Test
    void aDrippingServerCannotStretchTheHandshakeDeadline() throws Exception {
        TlsPolicy impatient = ca.trustingPolicy().newBuilder().handshakeTimeout(Duration.ofMillis(500)).build();
        // the start of a handshake record that promises 42 bytes; each byte comes well within SO_TIMEOUT
        byte[] hello = new byte[47];
        System.arraycopy(new byte[] {0x16, 0x03, 0x03, 0x00, 0x2a, 0x02}, 0, hello, 0, 6);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            for (byte b : hello) { // each byte well within SO_TIMEOUT, the whole far beyond the deadline
                c.sendBytes(new byte[] {b});
                c.pause(Duration.ofMillis(100));
            }
        })) {
            long start = System.nanoTime();
            TlsUpgradeException e = failedUpgrade(impatient, "localhost", server.port());
            assertEquals(Failure.TIMEOUT, e.failure(), e.toString());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        }
    }

    @Test
    void aSecondConnectionWithTheSamePolicyResumesTheSession() throws Exception {
        assertResumesSecondConnection(ca.trustingPolicy());
    }

    @Test
    void aSecondTls12ConnectionWithTheSamePolicyResumesTheSession() throws Exception {
        assertResumesSecondConnection(ca.trustingPolicy().newBuilder().protocols("TLSv1.2").build());
    }

    private void assertResumesSecondConnection(TlsPolicy policy) throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = tlsServer(cert)) {
            Handshake first;
            TlsConnection firstConnection = Upgrader.of(policy).connect(Endpoint.of("localhost", server.port()));
            try (SSLSocket tls = firstConnection.socket()) {
                first = firstConnection.handshake();
                // TLS 1.3 tickets arrive after the handshake: read once so the ticket is processed
                LineReader.of(tls, 1024).readLine(Deadline.after(WAIT));
            }
            Handshake second;
            TlsConnection secondConnection = Upgrader.of(policy).connect(Endpoint.of("localhost", server.port()));
            try (SSLSocket tls = secondConnection.socket()) {
                second = secondConnection.handshake();
            }
            assertFalse(first.resumed());
            assertTrue(second.resumed(), second.toString());
            assertEquals(policy.protocols().get(0), second.protocol());
        }
    }

    @Test
    void presentsAClientCertificateWhenTheServerRequiresOne() throws Exception {
        HeldCertificate serverCert = ca.issue("localhost");
        HeldCertificate clientCert = ca.issue("client.example");
        TlsPolicy serverPolicy = serverCert.serverPolicy().newBuilder()
                .trustCertificates(ca.certificate()).clientAuth(TlsPolicy.ClientAuth.REQUIRE).build();
        AtomicReference<Handshake> seenByServer = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(serverPolicy);
            seenByServer.set(Handshake.of((SSLSocket) c.socket()));
            c.sendLine("hello");
            c.readUntilClosed();
        })) {
            TlsPolicy withCertificate = ca.trustingPolicy().newBuilder()
                    .clientCertificate(clientCert.keyStore(), HeldCertificate.keyStorePassword()).build();
            try (SSLSocket tls = Upgrader.of(withCertificate).connect("localhost", server.port())) {
                assertEquals("hello", LineReader.of(tls, 1024).readLine(Deadline.after(WAIT)));
                assertEquals(clientCert.certificate(), seenByServer.get().peerCertificates().get(0));
                assertEquals(clientCert.certificate(), Handshake.of(tls).localCertificates().get(0));
            }
            // without a certificate the server aborts; under TLS 1.3 the client learns it on its first read
            assertThrows(IOException.class, () -> {
                try (SSLSocket tls = Upgrader.of(ca.trustingPolicy()).connect("localhost", server.port())) {
                    LineReader.of(tls, 1024).readLine(Deadline.after(WAIT));
                }
            });
        }
    }

    @Test
    void thePolicySocketFactoryVerifiesHostNames() throws Exception {
        try (ScriptedServer server = tlsServer(ca.issue("localhost"))) {
            try (SSLSocket tls = (SSLSocket) ca.trustingPolicy().socketFactory().createSocket("localhost",
                    server.port())) {
                tls.startHandshake();
                assertEquals("TLSv1.3", tls.getSession().getProtocol());
            }
        }
        try (ScriptedServer server = tlsServer(ca.issue("mail.example.com"))) {
            try (SSLSocket tls = (SSLSocket) ca.trustingPolicy().socketFactory().createSocket("localhost",
                    server.port())) {
                assertThrows(IOException.class, tls::startHandshake);
            }
        }
    }

    @Test
    void theServerSideDiscardsCommandsPipelinedAfterTheUpgradeCommand() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        AtomicReference<String> firstLineInsideTls = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            LineReader plain = LineReader.of(c.socket(), 1024);
            assertEquals("STARTTLS", plain.readLine(Deadline.after(WAIT)));
            c.pause(Duration.ofMillis(100)); // the pipelined command is now buffered or in the OS
            SSLSocket tls = Upgrader.of(cert.serverPolicy()).acceptUpgrade(plain, "220 2.0.0 Ready to start TLS");
            firstLineInsideTls.set(LineReader.of(tls, 1024).readLine(Deadline.after(WAIT)));
        }); Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("STARTTLS\r\nMAIL FROM:<attacker@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            LineReader reader = LineReader.of(socket, 1024);
            assertEquals("220 2.0.0 Ready to start TLS", reader.readLine(Deadline.after(WAIT)));
            SSLSocket tls = Upgrader.of(ca.trustingPolicy()).upgrade(reader, "localhost", server.port());
            tls.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            server.awaitScript(WAIT);
            tls.close();
            assertEquals("NOOP", firstLineInsideTls.get());
        }
    }

    @Test
    void refusesToUpgradeWhenPlaintextFollowsTheGoAhead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readLine();
            c.send("220 Go ahead\r\n250 injected\r\n");
            c.pause(Duration.ofSeconds(1));
        }); Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            LineReader reader = LineReader.of(socket, 1024);
            assertEquals("220 Go ahead", reader.readLine(Deadline.after(WAIT)));
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(ca.trustingPolicy()).upgrade(reader, "localhost", server.port()));
            assertEquals(Failure.INJECTION, e.failure());
            assertTrue(socket.isClosed());
        }
    }
}
