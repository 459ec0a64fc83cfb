package dev.starttls.testkit;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.ftpserver.ssl.ClientAuth;
import org.apache.ftpserver.ssl.SslConfiguration;

/**
 * Apache FtpServer's TLS settings, made from a {@link HeldCertificate} in memory (FtpServer's own factory reads key
 * store files): one {@link SSLContext} for control and data connections, so they share one session cache and data
 * connections can resume the control session. Thread-safe.
 */
final class FtpsConfiguration implements SslConfiguration {
    private final SSLContext context;
    private final SessionReuseKeyManager keyManager;
    private final String[] protocols;

    FtpsConfiguration(HeldCertificate certificate, boolean requireReuse, List<String> protocols) {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(certificate.keyStore(), HeldCertificate.keyStorePassword());
            X509ExtendedKeyManager jdk = null;
            for (KeyManager km : factory.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager) {
                    jdk = (X509ExtendedKeyManager) km;
                }
            }
            keyManager = new SessionReuseKeyManager(jdk, requireReuse);
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the FTPS server's SSLContext", e);
        }
        this.protocols = protocols.toArray(String[]::new);
    }

    int refusedDataHandshakes() {
        return keyManager.refusedDataHandshakes();
    }

    @Override
    public SSLSocketFactory getSocketFactory() {
        return context.getSocketFactory();
    }

    @Override
    public SSLContext getSSLContext() {
        return context;
    }

    @Override
    public SSLContext getSSLContext(String protocol) {
        return context;
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return null; // the JDK's defaults
    }

    @Override
    public String getEnabledProtocol() {
        return protocols[0];
    }

    @Override
    public String[] getEnabledProtocols() {
        return protocols.clone();
    }

    @Override
    public ClientAuth getClientAuth() {
        return ClientAuth.NONE;
    }
}
