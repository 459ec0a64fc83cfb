package dev.starttls;

import dev.starttls.internal.DelegatingSocket;
import dev.starttls.internal.HostNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * A connection to {@code targetHost:targetPort} made through an intermediary, such as an HTTP {@code CONNECT} proxy:
 * the socket is connected to the proxy, but everything on it is for the target. It carries the target, so that
 * {@code SmtpTls.upgrade(tunnel)} and every other upgrade verify the certificate against the target and never against
 * the proxy, and it replays the bytes that arrived after the proxy's reply (a greeting often shares the proxy's TCP
 * segment) before anything else is read.
 *
 * <pre>{@code
 * TunneledSocket tunnel = HttpTls.tunnel(proxy, "mail.example.com", 587, policy);
 * try (SmtpSession smtp = SmtpTls.upgrade(tunnel)) {   // verifies mail.example.com, not the proxy
 *     ...
 * }
 * }</pre>
 *
 * <p>Closing it closes the connection to the proxy. Like any socket, not thread-safe for concurrent reads.
 *
 * @since 0.1
 */
public final class TunneledSocket extends DelegatingSocket {
    private final String targetHost;
    private final int targetPort;
    private final InputStream in;

    private TunneledSocket(Socket proxyConnection, String targetHost, int targetPort, byte[] alreadyRead)
            throws IOException {
        super(proxyConnection);
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.in = new PrefixedInputStream(alreadyRead.clone(), proxyConnection.getInputStream());
    }

    /**
     * The tunnel on {@code proxyConnection} to {@code targetHost:targetPort}; {@code alreadyRead} are the bytes that
     * arrived after the intermediary's reply, to be read first.
     *
     * @throws IOException if the connection's stream cannot be had
     * @throws IllegalArgumentException for a malformed target (see {@link Endpoint#of(String, int)})
     */
    public static TunneledSocket over(Socket proxyConnection, String targetHost, int targetPort, byte[] alreadyRead)
            throws IOException {
        Objects.requireNonNull(proxyConnection, "proxyConnection");
        Endpoint target = Endpoint.of(targetHost, targetPort); // validates both
        return new TunneledSocket(proxyConnection, target.host(), target.port(),
                Objects.requireNonNull(alreadyRead, "alreadyRead"));
    }

    /** The host the tunnel reaches, as the caller named it: the name certificates are verified against. */
    public String targetHost() {
        return targetHost;
    }

    /** The port the tunnel reaches. */
    public int targetPort() {
        return targetPort;
    }

    /** The connection to the intermediary. */
    public Socket proxyConnection() {
        return delegate;
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    /** The target's port: what the connection reaches, and the port TLS sessions to the target are cached under. */
    @Override
    public int getPort() {
        return targetPort;
    }

    /**
     * The target, unresolved, as the caller named it: so code that asks a socket whom it is connected to (the
     * one-argument {@code XxxTls.upgrade(socket)}) gets the target and never the proxy.
     */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        return InetSocketAddress.createUnresolved(targetHost, targetPort);
    }

    @Override
    public String toString() {
        return "TunneledSocket[to " + (HostNames.isIpLiteral(targetHost) && targetHost.indexOf(':') >= 0
                ? "[" + targetHost + "]" : targetHost) + ":" + targetPort + " via " + delegate + "]";
    }

    /** Replays a prefix, then reads the connection; {@code available()} counts both. */
    private static final class PrefixedInputStream extends InputStream {
        private final byte[] prefix;
        private final InputStream rest;
        private int position;

        PrefixedInputStream(byte[] prefix, InputStream rest) {
            this.prefix = prefix;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            return position < prefix.length ? prefix[position++] & 0xff : rest.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (position < prefix.length) {
                int n = Math.min(len, prefix.length - position);
                System.arraycopy(prefix, position, b, off, n);
                position += n;
                return n;
            }
            return rest.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return prefix.length - position + rest.available();
        }

        @Override
        public void close() throws IOException {
            rest.close();
        }
    }
}
