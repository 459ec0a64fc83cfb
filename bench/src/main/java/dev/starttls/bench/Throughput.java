package dev.starttls.bench;

import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Bulk throughput over a connection the library upgraded ({@link Upgrader#connect}: its layered socket re-arms
 * QuickAck on every read) against a bare {@link SSLSocket} pair, both to the same bare JSSE server, alternating.
 */
final class Throughput implements AutoCloseable {
    /** MiB/s medians: download (server to client) and upload, for the library and for the bare pair. */
    record Result(double libraryDown, double bareDown, double libraryUp, double bareUp, int megabytes, int rounds) {
    }

    private static final int CHUNK = 64 * 1024;

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final SSLServerSocket server;
    private final Thread acceptor;

    Throughput() throws Exception {
        HeldCertificate certificate = ca.issue("localhost");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(certificate.keyStore(), HeldCertificate.keyStorePassword());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "throughput-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int command = in.read();
                long bytes = in.readLong();
                byte[] chunk = new byte[CHUNK];
                if (command == 'D') {
                    for (long sent = 0; sent < bytes; sent += CHUNK) {
                        out.write(chunk, 0, (int) Math.min(CHUNK, bytes - sent));
                    }
                } else {
                    drain(in, bytes, chunk);
                    out.write('K');
                }
                out.flush();
            } catch (IOException e) {
                // next connection
            }
        }
    }

    Result run(int megabytes, int rounds) throws Exception {
        TlsPolicy policy = ca.trustingPolicy();
        Floor bare = new Floor(Target.bareContext(ca.certificate()), policy.protocols(), false);
        Upgrader upgrader = Upgrader.of(policy);
        long bytes = (long) megabytes << 20;
        List<Double> libDown = new ArrayList<>();
        List<Double> bareDown = new ArrayList<>();
        List<Double> libUp = new ArrayList<>();
        List<Double> bareUp = new ArrayList<>();
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (char direction : new char[] {'D', 'U'}) {
                double lib = transfer(upgrader.connect(Endpoint.of("localhost", server.getLocalPort())).socket(),
                        direction, bytes);
                double raw = transfer(bare.connectTls("localhost", server.getLocalPort()), direction, bytes);
                if (round >= 0) {
                    (direction == 'D' ? libDown : libUp).add(lib);
                    (direction == 'D' ? bareDown : bareUp).add(raw);
                }
            }
        }
        return new Result(median(libDown), median(bareDown), median(libUp), median(bareUp), megabytes, rounds);
    }

    /** MiB/s of one transfer on an established TLS socket (the handshake is not counted). */
    private static double transfer(SSLSocket socket, char direction, long bytes) throws IOException {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            long start = System.nanoTime();
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(9).put((byte) direction).putLong(bytes);
            out.write(header.array());
            out.flush();
            if (direction == 'D') {
                drain(in, bytes, chunk);
            } else {
                for (long sent = 0; sent < bytes; sent += CHUNK) {
                    out.write(chunk, 0, (int) Math.min(CHUNK, bytes - sent));
                }
                out.flush();
                if (in.read() != 'K') {
                    throw new IOException("upload not acknowledged");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return bytes / 1048576.0 / seconds;
        }
    }

    private static void drain(InputStream in, long bytes, byte[] chunk) throws IOException {
        long read = 0;
        while (read < bytes) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, bytes - read));
            if (n < 0) {
                throw new IOException("closed after " + read + " of " + bytes + " bytes");
            }
            read += n;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((sorted.size() - 1) / 2);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
