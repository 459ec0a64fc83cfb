package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.net.smtp.SMTPSClient;
import org.junit.jupiter.api.Test;

/** {@code SmtpTls.commonsNet(policy)}: a Commons Net client that upgrades under the policy and verifies the host. */
class SmtpCommonsNetTest {
    @Test
    void upgradesWithTheKitsCertificateOverNoDelaySockets() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            SMTPSClient client = SmtpTls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.smtpPort());
            try {
                assertTrue(client.getTcpNoDelay());
                assertEquals((int) mail.clientPolicy().readTimeout().toMillis(), client.getSoTimeout());
                assertEquals((int) mail.clientPolicy().connectTimeout().toMillis(), client.getConnectTimeout());
                client.sendCommand("EHLO localhost");
                assertTrue(client.execTLS());
                assertEquals(250, client.sendCommand("EHLO localhost")); // inside TLS
                assertEquals(1, mail.handshakes().size(), "the front completed one handshake");
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void refusesACertificateForAnotherHost() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start().hostile(Hostile.WRONG_HOST_CERTIFICATE)) {
            SMTPSClient client = SmtpTls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.smtpPort());
            try {
                client.sendCommand("EHLO localhost");
                assertThrows(SSLHandshakeException.class, client::execTLS);
                assertEquals(0, mail.handshakes().size());
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void negotiatesOnlyThePolicysProtocolsAndSuites() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            TlsPolicy tls12 = mail.clientPolicy().newBuilder().protocols("TLSv1.2")
                    .cipherSuites("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").build();
            SMTPSClient client = SmtpTls.commonsNet(tls12);
            client.connect("localhost", mail.smtpPort());
            try {
                client.sendCommand("EHLO localhost");
                assertTrue(client.execTLS());
                assertEquals(250, client.sendCommand("EHLO localhost")); // the front has recorded the handshake
                Handshake handshake = mail.handshakes().get(0);
                assertEquals("TLSv1.2", handshake.protocol());
                assertEquals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", handshake.cipherSuite());
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void aMissingPolicyIsNamed() {
        assertEquals("policy", assertThrows(NullPointerException.class, () -> SmtpTls.commonsNet(null)).getMessage());
    }
}
