package dev.starttls.boringssl;

import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * A completed handshake's session as {@link EngineSocket#getSession()} reports it: BoringSSL's, except for the creation
 * time. BoringSSL keeps it in whole seconds and moves it to "now" when it resumes a TLS 1.3 session, so callers could
 * not tell a resumed session from a new one by it, as they can with JSSE; here a resumed session is older than the
 * socket that resumed it (so older than any time a caller took before the handshake) and a new one is not older than
 * its handshake. Not API.
 */
final class HandshakeSession extends ExtendedSSLSession {
    private final SSLSession session;
    private final long creationTime;

    HandshakeSession(SSLSession session, boolean resumed, long socketCreatedMillis, long handshakeStartMillis) {
        this.session = session;
        long reported = session.getCreationTime(); // a renewed ticket makes even a resumed session "new" in BoringSSL
        this.creationTime = resumed ? Math.min(reported, socketCreatedMillis - 1) : Math.max(reported,
                handshakeStartMillis);
    }

    @Override
    public long getCreationTime() {
        return creationTime;
    }

    @Override
    public String[] getLocalSupportedSignatureAlgorithms() {
        return session instanceof ExtendedSSLSession
                ? ((ExtendedSSLSession) session).getLocalSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public String[] getPeerSupportedSignatureAlgorithms() {
        return session instanceof ExtendedSSLSession
                ? ((ExtendedSSLSession) session).getPeerSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public List<SNIServerName> getRequestedServerNames() {
        return session instanceof ExtendedSSLSession
                ? ((ExtendedSSLSession) session).getRequestedServerNames() : List.of();
    }

    @Override
    public byte[] getId() {
        return session.getId();
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return session.getSessionContext();
    }

    @Override
    public long getLastAccessedTime() {
        return session.getLastAccessedTime();
    }

    @Override
    public void invalidate() {
        session.invalidate();
    }

    @Override
    public boolean isValid() {
        return session.isValid();
    }

    @Override
    public void putValue(String name, Object value) {
        session.putValue(name, value);
    }

    @Override
    public Object getValue(String name) {
        return session.getValue(name);
    }

    @Override
    public void removeValue(String name) {
        session.removeValue(name);
    }

    @Override
    public String[] getValueNames() {
        return session.getValueNames();
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        return session.getPeerCertificates();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return session.getLocalCertificates();
    }

    @SuppressWarnings("removal")
    @Override
    public javax.security.cert.X509Certificate[] getPeerCertificateChain() throws SSLPeerUnverifiedException {
        return session.getPeerCertificateChain();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return session.getPeerPrincipal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return session.getLocalPrincipal();
    }

    @Override
    public String getCipherSuite() {
        return session.getCipherSuite();
    }

    @Override
    public String getProtocol() {
        return session.getProtocol();
    }

    @Override
    public String getPeerHost() {
        return session.getPeerHost();
    }

    @Override
    public int getPeerPort() {
        return session.getPeerPort();
    }

    @Override
    public int getPacketBufferSize() {
        return session.getPacketBufferSize();
    }

    @Override
    public int getApplicationBufferSize() {
        return session.getApplicationBufferSize();
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
