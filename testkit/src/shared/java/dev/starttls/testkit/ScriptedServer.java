package dev.starttls.testkit;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server that follows a script, for testing how a client copes with servers that misbehave: stripped
 * capabilities, refusals, injected plaintext, bad certificates, dripping, silence, early close. It records every line
 * the client sent, so a test can assert that nothing sensitive was written before TLS.
 *
 * <pre>{@code
 * try (ScriptedServer server = ScriptedServer.start(c -> {
 *         c.sendLine("220 hostile ESMTP");
 *         c.readLine();                                   // EHLO
 *         c.sendLine("250 hostile");                       // no STARTTLS: stripped
 *     })) {
 *     TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
 *             () -> SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy));
 *     assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
 * }
 * }</pre>
 *
 * <p>The script runs once per connection, on its own thread. Thread-safe.
 *
 * @since 0.1
 */
public final class ScriptedServer implements Closeable {
    /** What the server does with one connection. */
    @FunctionalInterface
    public interface Script {
        /** Runs the conversation; an exception ends it and is reported by {@link #awaitScript(Duration)}. */
        void run(Conversation conversation) throws Exception;
    }

    private final Script script;
    private final Acceptor acceptor;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstScript = new CompletableFuture<>();

    private ScriptedServer(Script script) {
        this.script = script;
        try {
            this.acceptor = new Acceptor("scripted-server", this::handle);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
    }

    /** Starts the server on a free loopback port. */
    public static ScriptedServer start(Script script) {
        return new ScriptedServer(script);
    }

    /** The loopback port. */
    public int port() {
        return acceptor.port();
    }

    /** Every line clients sent that the script read, before and after TLS, in order ({@code [TLS] } marks after). */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The lines the script read before any TLS switch: what an eavesdropper saw. */
    public List<String> receivedInClear() {
        return received.stream().filter(l -> !l.startsWith("[TLS] ")).toList();
    }

    /**
     * Waits for the first connection's script to end and rethrows its failure, if any.
     *
     * @throws AssertionError if the script failed or did not end in time
     */
    public void awaitScript(Duration timeout) {
        try {
            firstScript.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the server script failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the server script did not end within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private void handle(Socket socket) {
        try (Conversation conversation = new Conversation(socket)) {
            script.run(conversation);
            firstScript.complete(null);
        } catch (Exception e) {
            firstScript.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        acceptor.close();
    }

    /**
     * One connection as the script sees it.
     *
     * @since 0.1
     */
    public final class Conversation implements Closeable {
        private Socket socket;
        private LineReader reader;
        private boolean tls;

        private Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.reader = LineReader.of(socket, 1 << 20);
        }

        /** The current socket (an {@link SSLSocket} after {@link #startTls}). */
        public Socket socket() {
            return socket;
        }

        /** Sends {@code line} + CRLF in one TCP write. */
        public void sendLine(String line) throws IOException {
            send(line + "\r\n");
        }

        /** Sends text exactly as given (ISO-8859-1), in one write: use it to put several replies in one segment. */
        public void send(String raw) throws IOException {
            sendBytes(raw.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends bytes in one write. */
        public void sendBytes(byte[] bytes) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        }

        /**
         * Answers a ClientHello as a server that speaks only TLS 1.1 would: one ServerHello record with version 0x0302
         * choosing TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (a suite clients offer, so the version is what they refuse).
         * JSSE cannot be made to serve TLS 1.1 without changing a JVM-wide security property; this needs nothing.
         */
        public void sendTls11ServerHello() throws IOException {
            byte[] hello = new byte[5 + 4 + 38];
            int i = 0;
            for (int b : new int[] {0x16, 0x03, 0x02, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x02}) {
                hello[i++] = (byte) b;
            }
            for (int r = 0; r < 32; r++) {
                hello[i++] = (byte) (r * 7 + 1); // server random
            }
            hello[i++] = 0x00; // no session id
            hello[i++] = (byte) 0xc0;
            hello[i++] = 0x2f;
            hello[i] = 0x00; // no compression
            sendBytes(hello);
        }

        /** Sends {@code raw} one byte at a time with {@code interval} between bytes. */
        public void drip(String raw, Duration interval) throws IOException, InterruptedException {
            for (byte b : raw.getBytes(StandardCharsets.ISO_8859_1)) {
                sendBytes(new byte[] {b});
                Thread.sleep(interval.toMillis());
            }
        }

        /** Reads one line the client sent (10 s deadline) and records it. */
        public String readLine() throws IOException {
            String line = reader.readLine(Deadline.after(Duration.ofSeconds(10)));
            received.add(tls ? "[TLS] " + line : line);
            return line;
        }

        /**
         * Reads exactly {@code count} raw bytes from the client (10 s deadline), for example the header of its TLS
         * ClientHello: a script that answers only after it sees the handshake start is deterministic.
         */
        public byte[] readBytes(int count) throws IOException {
            byte[] bytes = new byte[count];
            reader.readFully(bytes, 0, count, Deadline.after(Duration.ofSeconds(10)));
            return bytes;
        }

        /** Reads the lines of an HTTP head up to the empty line that ends it (excluded), recording them. */
        public List<String> readHead() throws IOException {
            List<String> head = new ArrayList<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                head.add(line);
            }
            return head;
        }

        /** Reads until the client closes; returns normally on close or reset. */
        public void readUntilClosed() {
            try {
                while (true) {
                    readLine();
                }
            } catch (IOException e) {
                // closed
            }
        }

        /** Completes the server side of a TLS handshake with {@code certificate}; later reads and writes use TLS. */
        public void startTls(HeldCertificate certificate) throws IOException {
            startTls(certificate.serverPolicy());
        }

        /** Completes the server side of a TLS handshake with {@code serverPolicy}. */
        public void startTls(TlsPolicy serverPolicy) throws IOException {
            SSLSocket upgraded = Upgrader.of(serverPolicy).acceptImplicit(socket);
            socket = acceptor.track(upgraded);
            reader = LineReader.of(upgraded, 1 << 20);
            tls = true;
        }

        /**
         * Relays this connection to {@code upstream} both ways until either side ends, then closes both; the socket is
         * closed with the server as well.
         */
        void relayTo(Socket upstream) throws IOException {
            acceptor.track(upstream);
            socket.setSoTimeout(0);
            upstream.setSoTimeout(0);
            Relay.run(acceptor.executor(), socket, upstream, null);
        }

        /** Waits, for scripts that stall. */
        public void pause(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }

        /** Closes the connection. */
        @Override
        public void close() {
            acceptor.untrack(socket);
        }
    }
}
