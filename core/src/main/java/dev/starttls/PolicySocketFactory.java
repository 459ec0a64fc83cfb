package dev.starttls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@link SSLSocketFactory} behind {@link TlsPolicy#socketFactory()}: every socket gets the policy's protocols,
 * suites, SNI and {@code HTTPS} endpoint identification, and {@code TCP_NODELAY}. Sockets made from an
 * {@link InetAddress} are verified against its IP literal: a host name is never guessed by reverse DNS.
 */
final class PolicySocketFactory extends SSLSocketFactory {
    private final TlsPolicy policy;

    PolicySocketFactory(TlsPolicy policy) {
        this.policy = policy;
    }

    private SSLSocketFactory delegate() {
        return policy.sslContext().getSocketFactory();
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return policy.clientParameters((Endpoint) null).getCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate().getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        // Host unknown until connect(); JSSE then takes it from the InetSocketAddress the caller connects to.
        return configure((SSLSocket) delegate().createSocket(), null);
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        socket.setTcpNoDelay(true);
        return configure((SSLSocket) delegate().createSocket(socket, host, port, autoClose), host);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        SSLSocket socket = configure((SSLSocket) delegate().createSocket(), host);
        connect(socket, new InetSocketAddress(host, port), null);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        SSLSocket socket = configure((SSLSocket) delegate().createSocket(), host);
        connect(socket, new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return createSocket(address.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address.getHostAddress(), port, localAddress, localPort);
    }

    private void connect(SSLSocket socket, InetSocketAddress remote, InetSocketAddress local) throws IOException {
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote, (int) policy.connectTimeout().toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private SSLSocket configure(SSLSocket socket, String host) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSSLParameters(policy.clientParameters(host));
        return socket;
    }
}
