package dev.starttls.bench;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal SMTP server with STARTTLS and implicit TLS on core's {@link Upgrader#acceptUpgrade} and
 * {@link Upgrader#acceptImplicit}: no relay, no GreenMail, each reply in one write, so the client's cost is all that
 * is left to measure. Runs in-process or, via {@link #main}, as a separate JVM so that heap, threads, descriptors and
 * allocation measured in the client JVM are the client's alone. Thread-safe; one thread per connection.
 */
final class MiniSmtpServer implements AutoCloseable {
    private static final Duration IDLE = Duration.ofSeconds(60);

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost", "127.0.0.1");
    private final Upgrader upgrader = Upgrader.of(certificate.serverPolicy());
    private final ServerSocket startTls;
    private final ServerSocket implicit;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mini-smtp");
        t.setDaemon(true);
        return t;
    });

    MiniSmtpServer() throws IOException {
        startTls = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        implicit = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        threads.execute(() -> acceptLoop(startTls, false));
        threads.execute(() -> acceptLoop(implicit, true));
    }

    int startTlsPort() {
        return startTls.getLocalPort();
    }

    int implicitPort() {
        return implicit.getLocalPort();
    }

    CertificateAuthority ca() {
        return ca;
    }

    TlsPolicy clientPolicy() {
        return ca.trustingPolicy();
    }

    private void acceptLoop(ServerSocket server, boolean implicitTls) {
        while (!server.isClosed()) {
            try {
                Socket accepted = server.accept();
                threads.execute(() -> serve(accepted, implicitTls));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket accepted, boolean implicitTls) {
        Socket socket = accepted;
        try {
            accepted.setTcpNoDelay(true);
            boolean tls = implicitTls;
            if (tls) {
                socket = upgrader.acceptImplicit(accepted);
            }
            reply(socket, "220 localhost ESMTP bench");
            LineReader reader = LineReader.of(socket, 1000);
            while (true) {
                String command = reader.readLine(Deadline.after(IDLE)).toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    reply(socket, tls ? "250-localhost\r\n250-PIPELINING\r\n250 8BITMIME"
                            : "250-localhost\r\n250-PIPELINING\r\n250 STARTTLS");
                } else if (command.equals("STARTTLS") && !tls) {
                    socket = upgrader.acceptUpgrade(reader, "220 2.0.0 Ready to start TLS");
                    reader = LineReader.of(socket, 1000);
                    tls = true;
                } else if (command.equals("QUIT")) {
                    reply(socket, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(socket, "502 5.5.1 Not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        } finally {
            try {
                socket.close();
                accepted.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void reply(Socket socket, String lines) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        startTls.close();
        implicit.close();
        threads.shutdownNow();
    }

    /**
     * As a separate JVM: writes the CA to {@code args[0]}, prints "PORTS startTls implicit" and serves until stdin
     * closes.
     */
    public static void main(String[] args) throws IOException {
        try (MiniSmtpServer server = new MiniSmtpServer()) {
            server.ca().writeCertificatePem(Path.of(args[0]));
            System.out.println("PORTS " + server.startTlsPort() + " " + server.implicitPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin (or dies)
            }
        }
    }
}
