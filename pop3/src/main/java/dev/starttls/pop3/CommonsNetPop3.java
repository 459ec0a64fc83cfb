package dev.starttls.pop3;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import org.apache.commons.net.pop3.POP3SClient;

/**
 * Builds the Commons Net client behind {@link Pop3Tls#commonsNet(TlsPolicy)}. A class of its own so that
 * {@code Pop3Tls} links without Commons Net on the class path (it is an optional dependency).
 */
final class CommonsNetPop3 {
    private CommonsNetPop3() {
    }

    static POP3SClient client(TlsPolicy policy) {
        POP3SClient client = new POP3SClient(false, policy.sslContext()) {
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
