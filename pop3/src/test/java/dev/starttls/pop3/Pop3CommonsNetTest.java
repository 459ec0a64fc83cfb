package dev.starttls.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.Test;

/** {@code Pop3Tls.commonsNet(policy)}: a Commons Net client that upgrades under the policy and verifies the host. */
class Pop3CommonsNetTest {
    @Test
    void upgradesWithTheKitsCertificateOverNoDelaySockets() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            POP3SClient client = Pop3Tls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.pop3Port());
            try {
                assertTrue(client.getTcpNoDelay());
                assertEquals((int) mail.clientPolicy().readTimeout().toMillis(), client.getSoTimeout());
                assertEquals((int) mail.clientPolicy().connectTimeout().toMillis(), client.getConnectTimeout());
                assertTrue(client.execTLS());
                assertTrue(client.capa()); // inside TLS
                assertEquals(1, mail.handshakes().size(), "the front completed one handshake");
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void refusesACertificateForAnotherHost() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start().hostile(Hostile.WRONG_HOST_CERTIFICATE)) {
            POP3SClient client = Pop3Tls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.pop3Port());
            try {
                assertThrows(SSLHandshakeException.class, client::execTLS);
                assertEquals(0, mail.handshakes().size());
            } finally {
                client.disconnect();
            }
        }
    }

    /** Upgrades a Commons Net client made from {@code policy}; returns the handshake the kit's front completed. */
    private static Handshake handshakeUnder(TlsGreenMail mail, TlsPolicy policy) throws Exception {
        POP3SClient client = Pop3Tls.commonsNet(policy);
        client.connect("localhost", mail.pop3Port());
        try {
            assertTrue(client.execTLS());
            assertTrue(client.capa()); // a round trip inside TLS: the front has recorded the handshake
            return mail.handshakes().get(mail.handshakes().size() - 1);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void negotiatesOnlyThePolicysProtocolsAndSuites() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "BoringSSL always offers every TLS 1.3 suite; "
                + "BoringSslProviderTest checks that it then refuses a suite the policy does not enable");
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            TlsPolicy tls12 = mail.clientPolicy().newBuilder().protocols("TLSv1.2").build();
            assertEquals("TLSv1.2", handshakeUnder(mail, tls12).protocol());
            TlsPolicy chacha = mail.clientPolicy().newBuilder().cipherSuites("TLS_CHACHA20_POLY1305_SHA256").build();
            assertEquals("TLS_CHACHA20_POLY1305_SHA256", handshakeUnder(mail, chacha).cipherSuite());
        }
    }

    @Test
    void aMissingPolicyIsNamed() {
        assertEquals("policy", assertThrows(NullPointerException.class, () -> Pop3Tls.commonsNet(null)).getMessage());
    }
}
