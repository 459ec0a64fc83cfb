package dev.starttls.testkit;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server key manager of {@link TlsFtpServer}: hands out the certificate for control connections always and for
 * data connections only when reuse is not required. Apache FtpServer terminates control connections with an
 * {@link SSLEngine} (MINA) and data connections with an {@code SSLSocket}, and JSSE consults the key manager only for a
 * full handshake, never for a resumed one; so answering {@code null} for a socket refuses exactly the data connections
 * that did not resume the control session, which is what vsftpd's {@code require_ssl_reuse=YES} and ProFTPD's default
 * {@code TLSOptions} enforce (the handshake then fails with {@code handshake_failure}). Thread-safe.
 */
final class SessionReuseKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;
    private final boolean requireReuse;
    private final AtomicInteger refused = new AtomicInteger();
    // JSSE asks once per key type (EC, RSA, ...) in one handshake: count each socket once
    private final Set<Socket> refusedSockets = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    SessionReuseKeyManager(X509ExtendedKeyManager delegate, boolean requireReuse) {
        this.delegate = delegate;
        this.requireReuse = requireReuse;
    }

    /** How many data connections were refused because they asked for a full handshake. */
    int refusedDataHandshakes() {
        return refused.get();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (requireReuse) {
            if (refusedSockets.add(socket)) {
                refused.incrementAndGet();
            }
            return null; // a full handshake on a data connection: no certificate, the handshake fails
        }
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server: no client certificate
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
