package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
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
}
