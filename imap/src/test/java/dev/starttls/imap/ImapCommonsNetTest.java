package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.net.imap.IMAPSClient;
import org.junit.jupiter.api.Test;

/** {@code ImapTls.commonsNet(policy)}: a Commons Net client that upgrades under the policy and verifies the host. */
class ImapCommonsNetTest {
    @Test
    void upgradesWithTheKitsCertificateOverNoDelaySockets() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            IMAPSClient client = ImapTls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.imapPort());
            try {
                assertTrue(client.getTcpNoDelay());
                assertEquals((int) mail.clientPolicy().readTimeout().toMillis(), client.getSoTimeout());
                assertTrue(client.execTLS());
                assertTrue(client.capability()); // inside TLS
                assertEquals(1, mail.handshakes().size(), "the front completed one handshake");
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void refusesACertificateForAnotherHost() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start().hostile(Hostile.WRONG_HOST_CERTIFICATE)) {
            IMAPSClient client = ImapTls.commonsNet(mail.clientPolicy());
            client.connect("localhost", mail.imapPort());
            try {
                assertThrows(SSLHandshakeException.class, client::execTLS);
                assertEquals(0, mail.handshakes().size());
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void negotiatesOnlyThePolicysProtocolAndSuiteWithItsConnectTimeout() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            TlsPolicy policy = mail.clientPolicy().newBuilder().protocols("TLSv1.2")
                    .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").connectTimeout(Duration.ofMillis(4321))
                    .build();
            IMAPSClient client = ImapTls.commonsNet(policy);
            assertEquals(4321, client.getConnectTimeout());
            client.connect("localhost", mail.imapPort());
            try {
                assertTrue(client.execTLS());
                assertTrue(client.capability()); // a round trip inside TLS: the front has recorded its handshake
                Handshake handshake = mail.handshakes().get(0);
                assertEquals("TLSv1.2", handshake.protocol());
                assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", handshake.cipherSuite());
            } finally {
                client.disconnect();
            }
        }
    }
}
