package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** What a handshake report holds, copied off the session, and how it reads in a log line. */
class HandshakeTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();

    @Test
    void describesTheHandshakeOfASocketThisLibraryDidNotUpgrade() throws Exception {
        HeldCertificate server = CA.issue("localhost");
        try (ScriptedServer scripted = ScriptedServer.start(c -> {
            c.startTls(server);
            c.readUntilClosed();
        }); SSLSocket tls = (SSLSocket) CA.trustingPolicy().socketFactory().createSocket(
                new Socket(InetAddress.getLoopbackAddress(), scripted.port()), "localhost", scripted.port(), true)) {
            tls.startHandshake();
            Handshake handshake = Handshake.of(tls);
            assertEquals("TLSv1.3", handshake.protocol());
            assertEquals(tls.getSession().getCipherSuite(), handshake.cipherSuite());
            assertEquals(server.certificate(), handshake.peerCertificates().get(0));
            assertEquals(List.of(), handshake.localCertificates(), "the client presented none");
            assertEquals(Optional.empty(), handshake.applicationProtocol());
            assertFalse(handshake.resumed(), "not measured: never claimed");
            assertEquals(Duration.ZERO, handshake.duration());
            String text = handshake.toString();
            assertTrue(text.startsWith("Handshake{TLSv1.3 " + handshake.cipherSuite() + ", peer subject CN=localhost"),
                    text);
            assertTrue(text.endsWith(", full handshake, 0.0 ms}"), text);
        }
    }

    @Test
    void readsLikeALogLineWithAlpnAndResumption() {
        Handshake resumed = new Handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", List.of(), List.of(),
                Optional.of("http/1.1"), true, Duration.ofMillis(3));
        assertEquals("Handshake{TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, alpn http/1.1, resumed, 3.0 ms}",
                resumed.toString());
    }

    @Test
    void copiesTheChainsSoTheCallerCannotChangeThem() {
        List<X509Certificate> chain = new ArrayList<>(List.of(CA.certificate()));
        Handshake handshake = new Handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256", chain, chain, Optional.empty(),
                false, Duration.ZERO);
        chain.clear();
        assertEquals(1, handshake.peerCertificates().size());
        assertEquals(1, handshake.localCertificates().size());
        assertThrows(UnsupportedOperationException.class, () -> handshake.peerCertificates().clear());
        assertThrows(NullPointerException.class, () -> new Handshake(null, "s", List.of(), List.of(),
                Optional.empty(), false, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new Handshake("p", "s", List.of(), List.of(),
                null, false, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new Handshake("p", "s", List.of(), List.of(),
                Optional.empty(), false, null));
    }

    @Test
    void anUpgradeReportChangesOnlyItsConnectTime() {
        UpgradeReport report = new UpgradeReport(false, List.of("STARTTLS"), Duration.ZERO, Duration.ofMillis(2),
                Duration.ofMillis(3), Duration.ofMillis(1));
        UpgradeReport connected = report.withConnect(Duration.ofMillis(5));
        assertEquals(new UpgradeReport(false, List.of("STARTTLS"), Duration.ofMillis(5), Duration.ofMillis(2),
                Duration.ofMillis(3), Duration.ofMillis(1)), connected);
        assertThrows(NullPointerException.class, () -> report.withConnect(null));
    }
}
