package dev.starttls;

import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Failures;
import dev.starttls.internal.QuickAck;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bounded, buffered CRLF line reader that every protocol dialogue shares: a maximum line length, a deadline per
 * reply (not per read), and a way to ask whether anything is still buffered at the moment of the switch to TLS.
 *
 * <pre>{@code
 * LineReader reader = LineReader.of(socket, policy);
 * Deadline deadline = Deadline.after(policy.readTimeout());
 * String greeting = reader.readLine(deadline);   // "220 mail.example.com ESMTP"
 * }</pre>
 *
 * <p>Lines end with CRLF; a bare LF is accepted as well (servers in the wild send it) and the CR is removed. Bytes are
 * decoded as ISO-8859-1, so every byte maps to one {@code char} and nothing is lost. The reader reads the socket in
 * blocks, never one system call per byte; that is why {@link #hasPendingInput()} exists: bytes read ahead past the
 * go-ahead reply are an injection, not data, and {@link Upgrader#upgrade(LineReader, Endpoint)} refuses them.
 *
 * <p>Not thread-safe: one reader belongs to one dialogue.
 *
 * @since 0.1
 */
public final class LineReader {
    private final Socket socket;
    private final InputStream in;
    private final int maxLineLength;
    private final byte[] buffer;
    private int position;
    private int limit;
    private long received;
    private String peerName;

    private LineReader(Socket socket, int maxLineLength) throws IOException {
        if (maxLineLength < 16) {
            throw new IllegalArgumentException("maxLineLength must be at least 16: " + maxLineLength);
        }
        this.socket = Objects.requireNonNull(socket, "socket");
        this.in = socket.getInputStream();
        this.maxLineLength = maxLineLength;
        this.buffer = new byte[Math.max(maxLineLength + 2, 4096)];
    }

    /** A reader on {@code socket} with the policy's maximum line length. */
    public static LineReader of(Socket socket, TlsPolicy policy) throws IOException {
        return new LineReader(socket, policy.maxLineLength());
    }

    /**
     * A reader on {@code socket} to {@code endpoint}, with the policy's maximum line length; failures name the endpoint
     * as the caller wrote it ({@code mail.example.com:587}), like every other message of the library.
     */
    public static LineReader of(Socket socket, TlsPolicy policy, Endpoint endpoint) throws IOException {
        LineReader reader = new LineReader(socket, policy.maxLineLength());
        reader.peerName = endpoint.toString();
        return reader;
    }

    /** A reader on {@code socket} that refuses lines longer than {@code maxLineLength} bytes (without the CRLF). */
    public static LineReader of(Socket socket, int maxLineLength) throws IOException {
        return new LineReader(socket, maxLineLength);
    }

    /** The socket this reader reads from. */
    public Socket socket() {
        return socket;
    }

    /**
     * Reads one line, without its line ending.
     *
     * @throws TlsUpgradeException {@code LIMIT} for a line over the maximum, {@code TIMEOUT} when the deadline passes,
     *     {@code CLOSED} when the peer closes or resets the connection
     */
    public String readLine(Deadline deadline) throws TlsUpgradeException {
        if (deadline.hasPassed()) { // even for a line already buffered: the deadline bounds the whole reply
            throw timeout(deadline, null);
        }
        int scanFrom = position;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    checkLength(end - position);
                    String line = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return line;
                }
            }
            scanFrom = limit;
            // +1: the CR of a line of exactly maxLineLength bytes may already be here without its LF
            checkLength(limit - position - 1);
            if (limit == buffer.length) {
                compact();
                scanFrom = limit;
            }
            fill(deadline);
        }
    }

    /**
     * Reads exactly {@code length} bytes into {@code target} (for literals and counted payloads); the caller bounds
     * {@code length} before calling.
     */
    public void readFully(byte[] target, int offset, int length, Deadline deadline) throws TlsUpgradeException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (deadline.hasPassed()) { // even for bytes already buffered, as readLine
            throw timeout(deadline, null);
        }
        int done = 0;
        while (done < length) {
            if (position == limit) {
                position = 0;
                limit = 0;
                fill(deadline);
            }
            int n = Math.min(length - done, limit - position);
            System.arraycopy(buffer, position, target, offset + done, n);
            position += n;
            done += n;
        }
    }

    /** How many bytes this reader has received from the socket so far, for "the server never spoke" hints. */
    public long bytesReceived() {
        return received;
    }

    /**
     * Hands over the bytes read from the socket but not yet returned, and forgets them: for a protocol that stops
     * reading lines and passes the connection on (an HTTP {@code CONNECT} reply followed, in the same segment, by the
     * tunnelled server's greeting).
     */
    public byte[] takeBuffered() {
        byte[] rest = Arrays.copyOfRange(buffer, position, limit);
        position = 0;
        limit = 0;
        return rest;
    }

    /** How many bytes were read from the socket but not yet returned. */
    public int buffered() {
        return limit - position;
    }

    /**
     * Whether any byte is waiting: in this reader's buffer or already received by the operating system. At the moment
     * of the switch to TLS, a {@code true} here means plaintext was injected after the go-ahead.
     */
    public boolean hasPendingInput() throws TlsUpgradeException {
        try {
            return buffered() > 0 || in.available() > 0;
        } catch (IOException e) {
            throw new TlsUpgradeException(Failure.CLOSED, "connection to " + peer() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Throws away every pending byte (buffered and already received) and returns how many there were; the server side
     * of an upgrade calls this so commands a client pipelined after STARTTLS are never executed (CVE-2011-0411).
     */
    public int discardPendingInput() throws TlsUpgradeException {
        int discarded = buffered();
        position = 0;
        limit = 0;
        try {
            int available;
            while ((available = in.available()) > 0) {
                long skipped = in.skip(Math.min(available, buffer.length));
                if (skipped <= 0) {
                    break;
                }
                discarded += (int) skipped;
            }
        } catch (IOException e) {
            throw new TlsUpgradeException(Failure.CLOSED, "connection to " + peer() + " failed: " + e.getMessage(), e);
        }
        return discarded;
    }

    /** The peer's address for messages, as {@code host:port}. */
    String peer() {
        return peerName != null ? peerName
                : String.valueOf(socket.getRemoteSocketAddress()).replaceFirst("^/", "");
    }

    private void checkLength(int length) throws TlsUpgradeException {
        if (length > maxLineLength) {
            throw new TlsUpgradeException(Failure.LIMIT,
                    "line from " + peer() + " is longer than " + maxLineLength + " bytes");
        }
    }

    private void compact() {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
    }

    private void fill(Deadline deadline) throws TlsUpgradeException {
        if (deadline.hasPassed()) {
            throw timeout(deadline, null);
        }
        int n;
        try {
            socket.setSoTimeout(deadline.remainingMillisForSocket());
            QuickAck.rearm(socket); // a server's Nagle must not wait for our delayed ACK (FIELD-NOTES)
            n = in.read(buffer, limit, buffer.length - limit);
        } catch (SocketTimeoutException e) {
            throw timeout(deadline, e);
        } catch (IOException e) {
            // a TLS alert (a refused client certificate, a bad record) is a TLS failure, not just a closed connection
            throw new TlsUpgradeException(Failures.kindOf(e),
                    "connection to " + peer() + " failed while reading: " + e.getMessage(), e);
        }
        if (n < 0) {
            throw new TlsUpgradeException(Failure.CLOSED, "connection closed by " + peer()
                    + (limit > position ? " in the middle of a line" : ""));
        }
        limit += n;
        received += n;
    }

    private TlsUpgradeException timeout(Deadline deadline, Throwable cause) {
        return new TlsUpgradeException(Failure.TIMEOUT, "no complete reply from " + peer() + " within "
                + deadline.timeout().toMillis() + " ms", cause);
    }
}
