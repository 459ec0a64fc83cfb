package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy.ClientAuth;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every setting of the builder: its bounds, what copying keeps, and which certificates end up trusted. */
class TlsPolicyBuilderTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("Builder CA");
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("Other CA");

    @Test
    void limitsAcceptTheirSmallestValuesAndRefuseOneLess() {
        assertEquals(512, TlsPolicy.builder().maxLineLength(512).build().maxLineLength());
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().maxLineLength(511));
        assertEquals(1, TlsPolicy.builder().maxReplyLines(1).build().maxReplyLines());
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().maxReplyLines(0));
        assertEquals(1024, TlsPolicy.builder().maxMessageSize(1024).build().maxMessageSize());
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().maxMessageSize(1023));
        long largest = Integer.MAX_VALUE - 8;
        assertEquals(largest, TlsPolicy.builder().maxMessageSize(largest).build().maxMessageSize());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().maxMessageSize(largest + 1));
        assertTrue(tooBig.getMessage().contains(Long.toString(largest + 1)), tooBig.getMessage());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        TlsPolicy defaults = TlsPolicy.defaults();
        assertEquals(8192, defaults.maxLineLength());
        assertEquals(1000, defaults.maxReplyLines());
        assertEquals(64L * 1024 * 1024, defaults.maxMessageSize());
        assertEquals(Duration.ofSeconds(10), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.readTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.writeTimeout());
        assertEquals(Duration.ofSeconds(10), defaults.handshakeTimeout());
        assertEquals(ClientAuth.NONE, defaults.clientAuth());
        assertEquals(List.of(), defaults.applicationProtocols());
        assertFalse(defaults.isOpportunistic());
    }

    @Test
    void aTimeoutOfExactlyADayIsAllowed() {
        TlsPolicy policy = TlsPolicy.builder().connectTimeout(Duration.ofDays(1)).readTimeout(Duration.ofDays(1))
                .handshakeTimeout(Duration.ofDays(1)).writeTimeout(Duration.ofDays(1)).build();
        assertEquals(Duration.ofDays(1), policy.connectTimeout());
        assertEquals(Duration.ofDays(1), policy.handshakeTimeout());
        assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().writeTimeout(Duration.ofDays(1).plusNanos(1)));
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().readTimeout(null));
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().writeTimeout(Duration.ZERO));
    }

    @Test
    void theWriteTimeoutFollowsTheReadTimeoutUntilItIsSet() {
        TlsPolicy following = TlsPolicy.builder().readTimeout(Duration.ofSeconds(7)).build();
        assertEquals(Duration.ofSeconds(7), following.writeTimeout());
        assertEquals(Duration.ofSeconds(3),
                following.newBuilder().readTimeout(Duration.ofSeconds(3)).build().writeTimeout(),
                "a copy whose read timeout changes still follows it");
        TlsPolicy set = TlsPolicy.builder().writeTimeout(Duration.ofSeconds(2)).build();
        assertEquals(Duration.ofSeconds(2), set.newBuilder().readTimeout(Duration.ofSeconds(9)).build().writeTimeout(),
                "a write timeout that was set is kept");
    }

    @Test
    void aCopyKeepsEverySetting() {
        TlsPolicy original = CA.trustingPolicy().newBuilder().protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").applicationProtocols("http/1.1")
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(2))
                .handshakeTimeout(Duration.ofSeconds(3)).writeTimeout(Duration.ofSeconds(4)).opportunistic(true)
                .maxLineLength(1000).maxReplyLines(10).maxMessageSize(4096).clientAuth(ClientAuth.OPTIONAL).build();
        TlsPolicy copy = original.newBuilder().build();
        assertEquals(original.toString(), copy.toString());
        assertEquals(List.of("TLSv1.2"), copy.protocols());
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), copy.cipherSuites());
        assertEquals(List.of("http/1.1"), copy.applicationProtocols());
        assertEquals(Duration.ofSeconds(1), copy.connectTimeout());
        assertEquals(Duration.ofSeconds(2), copy.readTimeout());
        assertEquals(Duration.ofSeconds(3), copy.handshakeTimeout());
        assertEquals(Duration.ofSeconds(4), copy.writeTimeout());
        assertTrue(copy.isOpportunistic());
        assertEquals(1000, copy.maxLineLength());
        assertEquals(10, copy.maxReplyLines());
        assertEquals(4096, copy.maxMessageSize());
        assertEquals(ClientAuth.OPTIONAL, copy.clientAuth());
    }

    @Test
    void theProviderChoosesWhoseSslContextDoesTheWorkAndCopiesKeepIt() {
        Provider jsse = Security.getProvider("SunJSSE");
        Provider noTls = new Provider("NoTls", "1", "offers nothing") { };
        TlsPolicy chosen = TlsPolicy.builder().provider(jsse).build();
        assertEquals(jsse, chosen.sslContext().getProvider());
        assertEquals(jsse, chosen.newBuilder().readTimeout(Duration.ofSeconds(1)).build().sslContext().getProvider());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> chosen.newBuilder().provider(noTls).build());
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        assertEquals(jsse, chosen.newBuilder().provider(null).build().sslContext().getProvider()); // the JDK's default
        IllegalArgumentException unknownSuite = assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().provider(jsse).cipherSuites("TLS_NOT_A_SUITE").build());
        assertEquals("cipher suite TLS_NOT_A_SUITE is not supported by SunJSSE", unknownSuite.getMessage());
    }

    @Test
    void describesItselfWithoutSecrets() throws Exception {
        assertEquals("TlsPolicy{protocols=[TLSv1.3, TLSv1.2], cipherSuites=" + TlsPolicy.defaults().cipherSuites()
                + ", trust=JDK trust store, identity=false, mode=required, provider=SunJSSE, connectTimeout=PT10S,"
                + " readTimeout=PT30S,"
                + " handshakeTimeout=PT10S, writeTimeout=PT30S}", TlsPolicy.defaults().toString());
        HeldCertificate server = CA.issue("localhost");
        TlsPolicy serverSide = TlsPolicy.builder().serverCertificate(server.keyStore(), HeldCertificate.keyStorePassword())
                .trust(trustStoreOf(CA)).opportunistic(true).build();
        String text = serverSide.toString();
        assertTrue(text.contains("trust=key store, identity=true, mode=opportunistic"), text);
        assertFalse(text.contains(new String(HeldCertificate.keyStorePassword())), text);
        assertTrue(CA.trustingPolicy().toString().contains("trust=1 certificate(s)"));
    }

    @Test
    void alpnNamesAreOneTo255Bytes() {
        String longest = "x".repeat(255);
        assertEquals(List.of(longest), TlsPolicy.builder().applicationProtocols(longest).build().applicationProtocols());
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().applicationProtocols("x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().applicationProtocols(""));
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().applicationProtocols((String) null));
        SSLParameters offered = TlsPolicy.builder().applicationProtocols("h2", "http/1.1").build()
                .clientParameters("mail.example.com");
        assertEquals(List.of("h2", "http/1.1"), List.of(offered.getApplicationProtocols()));
        assertEquals(0, TlsPolicy.defaults().clientParameters("mail.example.com").getApplicationProtocols().length,
                "no ALPN unless asked for");
    }

    @Test
    void anEmptyListOfProtocolsOrSuitesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().protocols());
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().cipherSuites());
        assertEquals(List.of("TLSv1.3"), TlsPolicy.builder().protocols("TLSv1.3").build().protocols());
    }

    @Test
    void theServerSideAsksForClientCertificatesOnlyAsConfigured() {
        SSLParameters none = TlsPolicy.defaults().serverParameters();
        assertFalse(none.getNeedClientAuth());
        assertFalse(none.getWantClientAuth());
        SSLParameters optional = TlsPolicy.builder().clientAuth(ClientAuth.OPTIONAL).build().serverParameters();
        assertFalse(optional.getNeedClientAuth());
        assertTrue(optional.getWantClientAuth());
        SSLParameters required = TlsPolicy.builder().clientAuth(ClientAuth.REQUIRE).build().serverParameters();
        assertTrue(required.getNeedClientAuth());
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().clientAuth(null));
    }

    @Test
    void aPolicyWithoutAHostStillVerifiesHostNames() {
        assertEquals("HTTPS", TlsPolicy.defaults().clientParameters((String) null).getEndpointIdentificationAlgorithm());
        assertEquals("HTTPS", TlsPolicy.defaults().clientParameters((Endpoint) null).getEndpointIdentificationAlgorithm());
    }

    @Test
    void hasAnIdentityOnlyWithACertificate() {
        assertFalse(TlsPolicy.defaults().hasIdentity());
        HeldCertificate client = CA.issue("client.example");
        assertTrue(TlsPolicy.builder().clientCertificate(client.keyStore(), HeldCertificate.keyStorePassword()).build()
                .hasIdentity());
    }

    @Test
    void aWrongKeyStorePasswordIsATypedErrorWhenBuilding() {
        HeldCertificate server = CA.issue("localhost");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().serverCertificate(server.keyStore(), "wrong".toCharArray()).build());
        assertTrue(e.getMessage().startsWith("cannot build the TLS context"), e.getMessage());
    }

    @Test
    void thePasswordArrayMayBeClearedAfterTheBuilderTookIt() throws Exception {
        HeldCertificate server = CA.issue("localhost");
        char[] password = HeldCertificate.keyStorePassword().clone();
        TlsPolicy.Builder builder = TlsPolicy.builder().serverCertificate(server.keyStore(), password);
        java.util.Arrays.fill(password, '\0');
        TlsPolicy serverSide = builder.build();
        assertEquals("TLSv1.3", handshake(serverSide, CA.trustingPolicy()));
        java.util.Arrays.fill(password, 'x');
        assertEquals("TLSv1.3", handshake(serverSide.newBuilder().build(), CA.trustingPolicy()), "copies keep it");
    }

    @Test
    void certificatesAndAKeyStoreAreTrustedTogether(@TempDir Path dir) throws Exception {
        TlsPolicy both = TlsPolicy.builder().trust(trustStoreOf(OTHER_CA)).trustCertificates(CA.certificate()).build();
        assertEquals("TLSv1.3", handshake(CA.issue("localhost").serverPolicy(), both));
        assertEquals("TLSv1.3", handshake(OTHER_CA.issue("localhost").serverPolicy(), both));

        TlsPolicy onlyStore = TlsPolicy.builder().trust(trustStoreOf(OTHER_CA)).build();
        assertEquals(Failure.CERTIFICATE, handshakeFailure(CA.issue("localhost").serverPolicy(), onlyStore));
    }

    @Test
    void trustPemAddsEveryFile(@TempDir Path dir) throws Exception {
        Path one = CA.writeCertificatePem(dir.resolve("one.pem"));
        Path two = OTHER_CA.writeCertificatePem(dir.resolve("two.pem"));
        TlsPolicy both = TlsPolicy.builder().trustPem(one).trustPem(two).build();
        assertEquals("TLSv1.3", handshake(CA.issue("localhost").serverPolicy(), both));
        assertEquals("TLSv1.3", handshake(OTHER_CA.issue("localhost").serverPolicy(), both));
        Path missing = dir.resolve("missing.pem");
        assertThrows(IOException.class, () -> TlsPolicy.builder().trustPem(missing));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        IOException e = assertThrows(IOException.class, () -> TlsPolicy.builder().trustPem(garbage));
        assertTrue(e.getMessage().contains("garbage.pem"), e.getMessage());
    }

    @Test
    void trustSystemDefaultsForgetsEarlierTrust() throws Exception {
        TlsPolicy forgotten = CA.trustingPolicy().newBuilder().trust(trustStoreOf(CA)).trustSystemDefaults().build();
        assertEquals(Failure.CERTIFICATE, handshakeFailure(CA.issue("localhost").serverPolicy(), forgotten));
        assertTrue(forgotten.toString().contains("trust=JDK trust store"), forgotten.toString());
    }

    @Test
    void trustArgumentsMustNotBeNull() {
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().trust(null));
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().trustCertificates(CA.certificate(), null));
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().trustPem(null));
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().serverCertificate(null, new char[0]));
        HeldCertificate server = CA.issue("localhost");
        assertThrows(NullPointerException.class, () -> TlsPolicy.builder().clientCertificate(server.keyStore(), null));
    }

    private static KeyStore trustStoreOf(CertificateAuthority ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        return store;
    }

    private static String handshake(TlsPolicy serverSide, TlsPolicy clientSide) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(serverSide);
            c.readUntilClosed();
        })) {
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
            try (Socket tls = Upgrader.of(clientSide).upgrade(plain, "localhost", server.port())) {
                return ((javax.net.ssl.SSLSocket) tls).getSession().getProtocol();
            }
        }
    }

    private static Failure handshakeFailure(TlsPolicy serverSide, TlsPolicy clientSide) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(serverSide);
            c.readUntilClosed();
        })) {
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(clientSide).upgrade(plain, "localhost", server.port()));
            assertTrue(plain.isClosed());
            return e.failure();
        }
    }
}
