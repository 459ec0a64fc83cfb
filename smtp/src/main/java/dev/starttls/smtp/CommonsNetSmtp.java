package dev.starttls.smtp;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import org.apache.commons.net.smtp.SMTPSClient;

/**
 * Builds the Commons Net client behind {@link SmtpTls#commonsNet(TlsPolicy)}. A class of its own so that
 * {@code SmtpTls} links without Commons Net on the class path (it is an optional dependency).
 */
final class CommonsNetSmtp {
    private CommonsNetSmtp() {
    }

    static SMTPSClient client(TlsPolicy policy) {
        SMTPSClient client = new SMTPSClient(false, policy.sslContext()) {
            @Override
            protected void _connectAction_() throws IOException {
                _socket_.setTcpNoDelay(true); // before the first command: no Nagle/delayed-ACK stall (FIELD-NOTES)
                super._connectAction_();
            }
        };
        // Commons Net checks no host name unless asked: a wrong-host certificate would pass (FIELD-NOTES)
        client.setEndpointCheckingEnabled(true);
        client.setEnabledProtocols(policy.protocols().toArray(String[]::new));
        // never empty: the policy's own suites, or its modern floor of the JDK's (TlsPolicy.cipherSuites())
        client.setEnabledCipherSuites(policy.cipherSuites().toArray(String[]::new));
        client.setConnectTimeout(millis(policy.connectTimeout().toMillis()));
        client.setDefaultTimeout(millis(policy.readTimeout().toMillis()));
        return client;
    }

    private static int millis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
