package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/**
 * The checks added on top of the JDK's path validation, called the three ways JSSE calls a trust manager (plain,
 * with the socket, with the engine), and the messages a person reads when a certificate is refused.
 */
class SanRequiringTrustManagerTest {
    private static final String AUTH = "ECDHE_ECDSA";
    private static final CertificateAuthority CA = CertificateAuthority.create("SAN Test CA");
    private static final CertificateAuthority FOREIGN = CertificateAuthority.create("Foreign CA");
    private final SanRequiringTrustManager trustManager = new SanRequiringTrustManager(jdkTrusting(CA));

    private static X509ExtendedTrustManager jdkTrusting(CertificateAuthority ca) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static X509Certificate[] chain(HeldCertificate held) {
        return held.chain().toArray(X509Certificate[]::new);
    }

    private static SSLSocket socketVerifying(String sniName) throws Exception {
        SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(sniName)));
        socket.setSSLParameters(parameters);
        return socket;
    }

    private String refusal(X509Certificate[] chain) {
        return assertThrows(CertificateException.class, () -> trustManager.checkServerTrusted(chain, AUTH))
                .getMessage();
    }

    @Test
    void aCertificateWithASubjectAltNameFromTheTrustedCaIsAccepted() throws Exception {
        X509Certificate[] good = chain(CA.issue("mail.example.com"));
        assertDoesNotThrow(() -> trustManager.checkServerTrusted(good, AUTH));
        assertDoesNotThrow(() -> trustManager.checkServerTrusted(good, AUTH, (SSLEngine) null));
        try (SSLSocket socket = socketVerifying("mail.example.com")) {
            assertDoesNotThrow(() -> trustManager.checkServerTrusted(good, AUTH, socket));
        }
        assertTrue(List.of(trustManager.getAcceptedIssuers()).contains(CA.certificate()));
    }

    @Test
    void aCnOnlyCertificateIsRefusedEveryWayItIsChecked() throws Exception {
        X509Certificate[] cnOnly = chain(CA.leaf().commonName("mail.example.com").build());
        assertTrue(refusal(cnOnly).startsWith("certificate has no DNS or IP subjectAltName"), refusal(cnOnly));
        assertThrows(CertificateException.class, () -> trustManager.checkServerTrusted(cnOnly, AUTH, (SSLEngine) null));
        try (SSLSocket socket = socketVerifying("mail.example.com")) {
            assertThrows(CertificateException.class, () -> trustManager.checkServerTrusted(cnOnly, AUTH, socket));
        }
    }

    @Test
    void theHostIsMatchedAgainstTheSniNameWhenTheSocketOrEngineAsksForIt() throws Exception {
        X509Certificate[] other = chain(CA.issue("other.example.com"));
        try (SSLSocket socket = socketVerifying("mail.example.com")) {
            CertificateException e = assertThrows(CertificateException.class,
                    () -> trustManager.checkServerTrusted(other, AUTH, socket));
            assertTrue(e.getMessage().startsWith("certificate does not match the host name mail.example.com"),
                    e.getMessage());
        }
    }

    @Test
    void aWildcardOverTheWholeDomainPassesTheJdkButNotOurRules() throws Exception {
        // the JDK accepts *.com under a private CA; RFC 6125 and the CA/Browser Forum do not
        X509Certificate[] tooWide = chain(CA.issue("*.example"));
        try (SSLSocket socket = socketVerifying("mail.example")) {
            CertificateException e = assertThrows(CertificateException.class,
                    () -> trustManager.checkServerTrusted(tooWide, AUTH, socket));
            assertTrue(e.getMessage().contains("does not match the host name mail.example"), e.getMessage());
        }
    }

    @Test
    void withoutEndpointIdentificationNoHostIsMatched() throws Exception {
        X509Certificate[] other = chain(CA.issue("other.example.com"));
        try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
            assertDoesNotThrow(() -> trustManager.checkServerTrusted(other, AUTH, socket));
        }
        assertDoesNotThrow(() -> trustManager.checkServerTrusted(other, AUTH, (java.net.Socket) null));
        assertDoesNotThrow(() -> trustManager.checkServerTrusted(other, AUTH, (SSLEngine) null));
    }

    @Test
    void identificationWithoutANameToMatchIsRefused() throws Exception {
        X509Certificate[] good = chain(CA.issue("mail.example.com"));
        try (SSLSocket noSni = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
            SSLParameters parameters = noSni.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            noSni.setSSLParameters(parameters);
            CertificateException e = assertThrows(CertificateException.class,
                    () -> trustManager.checkServerTrusted(good, AUTH, noSni));
            assertTrue(e.getMessage().startsWith("certificate does not match the host name null"), e.getMessage());
        }
    }

    @Test
    void eachRefusalSaysWhichCheckFailedAndDescribesTheCertificate() {
        String expired = refusal(chain(CA.leaf().names("mail.example.com").expired().build()));
        assertTrue(expired.startsWith("certificate has expired: subject "), expired);
        assertTrue(expired.contains("SANs [DNS:mail.example.com]"), expired);

        String notYet = refusal(chain(CA.leaf().names("mail.example.com").notYetValid().build()));
        assertTrue(notYet.startsWith("certificate is not yet valid: "), notYet);

        String selfSigned = refusal(chain(CertificateAuthority.selfSigned("mail.example.com")));
        assertTrue(selfSigned.startsWith("certificate is self-signed and not trusted: "), selfSigned);

        String foreign = refusal(chain(FOREIGN.issue("mail.example.com")));
        assertTrue(foreign.startsWith("certificate is not trusted: no path to a trusted CA (issuer "), foreign);
        assertTrue(foreign.contains("Foreign CA"), foreign);
    }

    @Test
    void theSocketAndEngineChecksExplainRefusalsToo() throws Exception {
        X509Certificate[] expired = chain(CA.leaf().names("mail.example.com").expired().build());
        CertificateException viaEngine = assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(expired, AUTH, (SSLEngine) null));
        assertTrue(viaEngine.getMessage().startsWith("certificate has expired"), viaEngine.getMessage());
        try (SSLSocket socket = socketVerifying("mail.example.com")) {
            CertificateException viaSocket = assertThrows(CertificateException.class,
                    () -> trustManager.checkServerTrusted(expired, AUTH, socket));
            assertTrue(viaSocket.getMessage().startsWith("certificate has expired"), viaSocket.getMessage());
        }
    }

    @Test
    void clientCertificatesAreCheckedByTheJdkAlone() throws Exception {
        X509Certificate[] foreign = chain(FOREIGN.issue("client.example"));
        assertThrows(CertificateException.class, () -> trustManager.checkClientTrusted(foreign, "EC"));
        assertThrows(CertificateException.class,
                () -> trustManager.checkClientTrusted(foreign, "EC", (SSLEngine) null));
        try (SSLSocket socket = socketVerifying("client.example")) {
            assertThrows(CertificateException.class, () -> trustManager.checkClientTrusted(foreign, "EC", socket));
        }
    }

    @Test
    void listsDnsAndIpSubjectAltNames() {
        X509Certificate both = CA.issue("mail.example.com", "192.0.2.7").certificate();
        assertEquals(List.of("DNS:mail.example.com", "IP:192.0.2.7"), SanRequiringTrustManager.subjectAltNames(both));
        assertEquals(List.of(), SanRequiringTrustManager.subjectAltNames(
                CA.leaf().commonName("cn.example").build().certificate()));
    }
}
