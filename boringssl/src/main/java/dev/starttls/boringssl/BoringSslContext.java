package dev.starttls.boringssl;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code SSLContext} "TLS" on BoringSSL: netty {@link SslContext}s built from the given key and trust managers, one
 * per mode and ALPN list (netty fixes both per context), and sockets that drive their engines over a blocking socket
 * ({@link EngineSocket}). Sessions are cached per context, keyed by the peer host and port a socket is created for,
 * as JSSE does. Not API.
 */
final class BoringSslContext extends SSLContextSpi {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Map<List<String>, SslContext> clients = new ConcurrentHashMap<>();
    private final Map<List<String>, SslContext> servers = new ConcurrentHashMap<>();
    private X509KeyManager keyManager;
    private X509TrustManager trustManager;
    private SSLParameters defaults;
    private SSLParameters supported;

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
        keyManager = first(km, X509KeyManager.class);
        trustManager = first(tm, X509TrustManager.class);
        SSLEngine probe = clientEngine(List.of(), null, -1);
        try {
            supported = new SSLParameters(probe.getSupportedCipherSuites(), probe.getSupportedProtocols());
            defaults = new SSLParameters(probe.getEnabledCipherSuites(), PROTOCOLS.clone());
        } finally {
            EngineSocket.free(probe);
        }
    }

    private static <T> T first(Object[] managers, Class<T> type) {
        if (managers != null) {
            for (Object m : managers) {
                if (type.isInstance(m)) {
                    return type.cast(m);
                }
            }
        }
        return null; // netty then uses the JDK's default trust store, as SSLContext.init(null, null, null) does
    }

    /** A client engine whose session is cached and looked up under {@code host:port}. */
    SSLEngine clientEngine(List<String> alpn, String host, int port) {
        SslContext context = clients.computeIfAbsent(List.copyOf(alpn), protocols -> build(protocols, true));
        return context.newEngine(ByteBufAllocator.DEFAULT, host, port);
    }

    /** A server engine; needs the key manager given to {@code init}. */
    SSLEngine serverEngine(List<String> alpn) {
        if (keyManager == null) {
            throw new IllegalStateException("no key manager: the server side needs a certificate and key");
        }
        SslContext context = servers.computeIfAbsent(List.copyOf(alpn), protocols -> build(protocols, false));
        return context.newEngine(ByteBufAllocator.DEFAULT);
    }

    private SslContext build(List<String> alpn, boolean client) {
        SslContextBuilder builder = client ? SslContextBuilder.forClient() : SslContextBuilder.forServer(keyManager);
        if (client && keyManager != null) {
            builder.keyManager(keyManager);
        }
        if (trustManager != null) {
            builder.trustManager(trustManager);
        }
        builder.sslProvider(SslProvider.OPENSSL).protocols(PROTOCOLS);
        if (!alpn.isEmpty()) {
            // the only behaviours BoringSSL has; as a client it refuses a protocol it did not offer by itself
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a BoringSSL context: " + e.getMessage(), e);
        }
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return new EngineSocketFactory(this);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw new UnsupportedOperationException("BoringSSL provider: no server sockets; wrap accepted sockets with "
                + "Upgrader.acceptImplicit or acceptUpgrade");
    }

    /**
     * Refused: BoringSSL's engine differs from JSSE's in ways engine drivers notice (netty reports a finished handshake
     * only on a later call, and takes ALPN from the context, not from {@code SSLParameters}); java.net.http.HttpClient
     * gives up on it after the handshake. {@link EngineSocket} drives it for this library's sockets.
     */
    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw engineRefused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw engineRefused();
    }

    private static UnsupportedOperationException engineRefused() {
        return new UnsupportedOperationException("the BoringSSL provider of starttls-java makes sockets only "
                + "(SSLContext.getSocketFactory()); for an SSLEngine, as java.net.http.HttpClient needs, use a "
                + "policy without it (JSSE)");
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        if (keyManager == null) {
            throw new IllegalStateException("no key manager: this context has no server side");
        }
        return servers.computeIfAbsent(List.of(), protocols -> build(protocols, false)).sessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return clients.computeIfAbsent(List.of(), protocols -> build(protocols, true)).sessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return EngineSocket.copy(defaults);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return EngineSocket.copy(supported);
    }

}
