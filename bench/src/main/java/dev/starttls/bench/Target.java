package dev.starttls.bench;

import dev.starttls.TlsPolicy;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A set of servers to measure against: their ports by service ({@code smtp}, {@code smtps}, {@code imap},
 * {@code imaps}, {@code pop3}, {@code pop3s}, {@code ftp}, {@code ftps}; absent when not served), the library's policy
 * and, for every other client, a bare {@link SSLContext} trusting the same CA (what a Commons Net or Angus user passes).
 */
record Target(String name, String host, Map<String, Integer> ports, TlsPolicy policy, SSLContext bareContext,
        List<String> protocols) {

    /** The same servers with the TLS versions limited to {@code protocols} on every client. */
    Target limitedTo(String label, String... protocols) {
        return new Target(name + ", " + label, host, ports,
                policy.newBuilder().protocols(protocols).build(), bareContext, List.of(protocols));
    }

    static SSLContext bareContext(X509Certificate... trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("ca" + i, trusted[i]);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }
}
