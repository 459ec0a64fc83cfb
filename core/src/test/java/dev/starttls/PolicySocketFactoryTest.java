package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsPolicy#socketFactory()} for libraries that take an {@link SSLSocketFactory} (Jakarta Mail, Commons Net,
 * {@code HttpsURLConnection}): every way of making a socket applies the policy, verifies the host and sets
 * {@code TCP_NODELAY}.
 */
class PolicySocketFactoryTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private final TlsPolicy policy = CA.trustingPolicy();
    private final SSLSocketFactory factory = policy.socketFactory();

    private static ScriptedServer tlsServer(String... names) {
        return ScriptedServer.start(c -> {
            c.startTls(CA.issue(names));
            c.readUntilClosed();
        });
    }

    private static void assertVerifiedTls(Socket socket) throws IOException {
        SSLSocket tls = (SSLSocket) socket;
        tls.startHandshake();
        assertEquals("TLSv1.3", tls.getSession().getProtocol());
        assertTrue(tls.getTcpNoDelay(), "TCP_NODELAY: no 40 ms Nagle stall per reply");
        assertEquals("HTTPS", tls.getSSLParameters().getEndpointIdentificationAlgorithm());
    }

    @Test
    void theSuitesOfferedByDefaultAreThePolicysAndTheSupportedOnesTheJdks() {
        assertArrayEquals(policy.cipherSuites().toArray(String[]::new), factory.getDefaultCipherSuites());
        assertArrayEquals(policy.sslContext().getSocketFactory().getSupportedCipherSuites(),
                factory.getSupportedCipherSuites());
    }

    @Test
    void everyWayOfMakingASocketVerifiesTheHost() throws Exception {
        try (ScriptedServer server = tlsServer("localhost", "127.0.0.1")) {
            try (Socket s = factory.createSocket("localhost", server.port())) {
                assertVerifiedTls(s);
            }
        }
        try (ScriptedServer server = tlsServer("localhost", "127.0.0.1")) {
            try (Socket s = factory.createSocket("localhost", server.port(), InetAddress.getLoopbackAddress(), 0)) {
                assertVerifiedTls(s);
                assertEquals(InetAddress.getLoopbackAddress(), s.getLocalAddress(), "bound where asked");
            }
        }
        try (ScriptedServer server = tlsServer("127.0.0.1")) {
            try (Socket s = factory.createSocket(InetAddress.getLoopbackAddress(), server.port())) {
                assertVerifiedTls(s);
            }
        }
        try (ScriptedServer server = tlsServer("127.0.0.1")) {
            try (Socket s = factory.createSocket(InetAddress.getLoopbackAddress(), server.port(),
                    InetAddress.getLoopbackAddress(), 0)) {
                assertVerifiedTls(s);
            }
        }
        try (ScriptedServer server = tlsServer("localhost")) {
            try (Socket s = factory.createSocket()) {
                s.connect(new InetSocketAddress("localhost", server.port()));
                assertVerifiedTls(s);
            }
        }
        try (ScriptedServer server = tlsServer("localhost")) {
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
            try (Socket s = factory.createSocket(plain, "localhost", server.port(), true)) {
                assertTrue(plain.getTcpNoDelay());
                assertVerifiedTls(s);
            }
        }
    }

    @Test
    void aSocketMadeFromAnAddressIsVerifiedAgainstTheAddressNotAReverseLookup() throws Exception {
        try (ScriptedServer server = tlsServer("localhost")) { // no IP in the certificate
            try (Socket s = factory.createSocket(InetAddress.getLoopbackAddress(), server.port())) {
                assertThrows(SSLHandshakeException.class, ((SSLSocket) s)::startHandshake);
            }
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        try (ScriptedServer server = tlsServer("other.example")) {
            try (Socket s = factory.createSocket("localhost", server.port())) {
                assertThrows(SSLHandshakeException.class, ((SSLSocket) s)::startHandshake);
            }
        }
    }

    @Test
    void aFailedConnectSaysWhyAndLeavesNoDescriptorOpen() throws Exception {
        int closedPort;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = listener.getLocalPort();
        }
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "counts descriptors on Linux only");
        for (int i = 0; i < 5; i++) { // warm up: class loading opens jar files once
            assertThrows(ConnectException.class, () -> factory.createSocket("localhost", closedPort));
        }
        long before = countFiles(fds);
        for (int i = 0; i < 100; i++) {
            assertThrows(ConnectException.class, () -> factory.createSocket("localhost", closedPort));
            assertThrows(ConnectException.class,
                    () -> factory.createSocket("localhost", closedPort, InetAddress.getLoopbackAddress(), 0));
        }
        assertTrue(countFiles(fds) < before + 20, "descriptors leaked: " + before + " -> " + countFiles(fds));
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
