package dev.starttls.boringssl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** {@code SSLContext.getSocketFactory()} of the BoringSSL provider: every socket is an {@link EngineSocket}. Not API. */
final class EngineSocketFactory extends SSLSocketFactory {
    private final BoringSslContext context;

    EngineSocketFactory(BoringSslContext context) {
        this.context = context;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return context.engineGetDefaultSSLParameters().getCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return context.engineGetSupportedSSLParameters().getCipherSuites();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) {
        return EngineSocket.client(context, socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) {
        return EngineSocket.server(context, socket, consumed, autoClose);
    }

    @Override
    public Socket createSocket() {
        return EngineSocket.unconnected(context, null);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(host, new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(host, new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connected(null, new InetSocketAddress(address, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(null, new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(String host, InetSocketAddress remote, InetSocketAddress local) throws IOException {
        EngineSocket socket = EngineSocket.unconnected(context, host);
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
