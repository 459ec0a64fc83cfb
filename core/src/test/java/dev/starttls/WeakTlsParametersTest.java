package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The defaults refuse what TLS 1.2 still allows but nobody should accept: key exchange without forward secrecy, CBC
 * suites, DHE, and certificates signed with SHA-1 or MD5; each against a real JSSE server limited to the weak choice.
 */
class WeakTlsParametersTest {
    private final CertificateAuthority ca = CertificateAuthority.create();

    /** A JSSE server that completes a TLS 1.2 handshake with {@code certificate} and only {@code suite}. */
    private static ScriptedServer tls12Server(HeldCertificate certificate, String suite) {
        TlsPolicy onlyThat = certificate.serverPolicy().newBuilder().protocols("TLSv1.2").cipherSuites(suite).build();
        return ScriptedServer.start(c -> {
            c.startTls(onlyThat);
            c.readUntilClosed();
        });
    }

    private static SSLSocket upgrade(TlsPolicy policy, int port) throws Exception {
        return Upgrader.of(policy).upgrade(new Socket(InetAddress.getLoopbackAddress(), port), "localhost", port);
    }

    /** Upgrades a socket we hold, so the test can check it was closed on failure. */
    static TlsUpgradeException fails(Failure expected, TlsPolicy policy, int port) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> Upgrader.of(policy).upgrade(plain, "localhost", port));
        assertEquals(expected, e.failure(), e.toString());
        assertTrue(plain.isClosed(), "the plain socket must be closed after a failed upgrade");
        return e;
    }

    @Test
    void theDefaultsOfferOnlyTls13SuitesAndEcdheWithAead() {
        for (String suite : TlsPolicy.defaults().cipherSuites()) {
            assertTrue(suite.matches("TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)")
                    || suite.matches("TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)"),
                    suite);
        }
        assertTrue(TlsPolicy.defaults().cipherSuites().contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        assertTrue(TlsPolicy.defaults().cipherSuites().contains("TLS_AES_128_GCM_SHA256"));
    }

    @Test
    void refusesAServerThatOffersOnlyRsaKeyExchangeWithCbc() throws Exception {
        try (ScriptedServer server = tls12Server(ca.leaf().names("localhost").rsa().build(),
                "TLS_RSA_WITH_AES_128_CBC_SHA")) {
            fails(Failure.HANDSHAKE, ca.trustingPolicy(), server.port());
        }
    }

    @Test
    void aCallerCanStillWidenTheSuitesExplicitly() throws Exception {
        TlsPolicy widened = ca.trustingPolicy().newBuilder().cipherSuites("TLS_RSA_WITH_AES_128_CBC_SHA").build();
        try (ScriptedServer server = tls12Server(ca.leaf().names("localhost").rsa().build(),
                "TLS_RSA_WITH_AES_128_CBC_SHA"); SSLSocket tls = upgrade(widened, server.port())) {
            assertEquals("TLS_RSA_WITH_AES_128_CBC_SHA", Handshake.of(tls).cipherSuite());
        }
    }

    @Test
    void refusesDheUnlessAskedFor() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "BoringSSL has no finite-field DHE suites: "
                + "a policy that enables one is refused when it is built");
        try (ScriptedServer server = tls12Server(ca.leaf().names("localhost").rsa().build(),
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) {
            fails(Failure.HANDSHAKE, ca.trustingPolicy(), server.port());
            TlsPolicy withDhe = ca.trustingPolicy().newBuilder()
                    .cipherSuites("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").build();
            try (SSLSocket tls = upgrade(withDhe, server.port())) { // JSSE's server uses ffdhe2048
                assertEquals("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Handshake.of(tls).cipherSuite());
            }
        }
    }

    @Test
    void refusesALeafSignedWithSha1NamingTheAlgorithm() throws Exception {
        HeldCertificate sha1 = ca.leaf().names("localhost").signatureAlgorithm("SHA1withECDSA").build();
        try (ScriptedServer server = tls12Server(sha1, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            TlsUpgradeException e = fails(Failure.CERTIFICATE, ca.trustingPolicy(), server.port());
            assertTrue(e.getMessage().contains("SHA1withECDSA"), e.getMessage());
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(sha1);
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = fails(Failure.CERTIFICATE, ca.trustingPolicy(), server.port());
            assertTrue(e.getMessage().contains("SHA1withECDSA"), e.getMessage());
        }
    }

    @Test
    void acceptsATrustAnchorWhoseOwnSelfSignatureUsesSha1() throws Exception {
        CertificateAuthority oldRoot = CertificateAuthority.create("old root", "SHA1withECDSA");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(oldRoot.issue("localhost")); // the chain sent includes the SHA-1 self-signed root
            c.readUntilClosed();
        }); SSLSocket tls = upgrade(oldRoot.trustingPolicy(), server.port())) {
            assertEquals("TLSv1.3", Handshake.of(tls).protocol());
        }
    }
}
