package dev.starttls.http;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Reads the body of one response as RFC 9112 6.3 frames it: none, {@code chunked}, {@code Content-Length}, or until the
 * server closes; never more than the policy's maximum message size, never pre-allocated from a size the server
 * declares, and under the same deadline as the head.
 */
final class HttpBody {
    private static final int PIECE = 8192;

    private final LineReader reader;
    private final Deadline deadline;
    private final long maxSize;
    private final int maxFields;
    private final String from;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private HttpBody(LineReader reader, Deadline deadline, long maxSize, int maxFields, String from) {
        this.reader = reader;
        this.deadline = deadline;
        this.maxSize = maxSize;
        this.maxFields = maxFields;
        this.from = from;
    }

    /** How the body was framed; {@code UNTIL_CLOSE} leaves a connection that cannot carry another request. */
    enum Framing { NONE, CHUNKED, LENGTH, UNTIL_CLOSE }

    /** Which framing RFC 9112 6.3 gives a response to {@code method} with this head. */
    static Framing framing(String method, HttpHead head) throws TlsUpgradeException {
        int status = head.status();
        if ("HEAD".equals(method) || status / 100 == 1 || status == 204 || status == 304) {
            return Framing.NONE;
        }
        if (!head.values("Transfer-Encoding").isEmpty()) {
            // RFC 9112 6.3 (3, 4): Transfer-Encoding overrides Content-Length; chunked must be the final coding
            String codings = String.join(",", head.values("Transfer-Encoding")).toLowerCase(Locale.ROOT);
            return codings.replace(" ", "").endsWith("chunked") ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
        }
        return head.values("Content-Length").isEmpty() ? Framing.UNTIL_CLOSE : Framing.LENGTH;
    }

    /**
     * Reads the body that {@code framing} announces.
     *
     * @param maxSize the most body bytes accepted ({@code LIMIT} beyond)
     * @param maxFields the most trailer fields accepted ({@code LIMIT} beyond)
     */
    static byte[] read(Framing framing, HttpHead head, LineReader reader, Deadline deadline, long maxSize,
            int maxFields, String from) throws TlsUpgradeException {
        HttpBody b = new HttpBody(reader, deadline, maxSize, maxFields, from);
        switch (framing) {
            case CHUNKED -> b.readChunked();
            case LENGTH -> b.readCounted(contentLength(head, from));
            case UNTIL_CLOSE -> b.readUntilClose();
            default -> {
                // no body
            }
        }
        return b.body.toByteArray();
    }

    /** RFC 9112 6.3 (5): differing or malformed Content-Length values are unrecoverable. */
    private static long contentLength(HttpHead head, String from) throws TlsUpgradeException {
        long length = -1;
        for (String value : head.values("Content-Length")) {
            for (String part : value.split(",", -1)) {
                String digits = part.trim();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
                    throw new TlsUpgradeException(Failure.PROTOCOL, from + " sent a malformed Content-Length "
                            + Wire.quote(value));
                }
                long n = Long.parseLong(digits);
                if (length >= 0 && n != length) {
                    throw new TlsUpgradeException(Failure.PROTOCOL, from + " sent conflicting Content-Length values "
                            + head.values("Content-Length"));
                }
                length = n;
            }
        }
        return length;
    }

    private void readChunked() throws TlsUpgradeException {
        while (true) {
            String line = reader.readLine(deadline);
            int semicolon = line.indexOf(';'); // chunk extensions are ignored (RFC 9112 7.1.1)
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new TlsUpgradeException(Failure.PROTOCOL, from + " sent a malformed chunk size "
                        + Wire.quote(line));
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                // trailer fields (RFC 9112 7.1.2), up to the empty line, are read and dropped
                for (int n = 0; !reader.readLine(deadline).isEmpty(); n++) {
                    if (n == maxFields) {
                        throw new TlsUpgradeException(Failure.LIMIT, from + " sent an endless trailer section");
                    }
                }
                return;
            }
            readCounted(size);
            String end = reader.readLine(deadline);
            if (!end.isEmpty()) {
                throw new TlsUpgradeException(Failure.PROTOCOL, from + " sent a chunk longer than its size " + hex);
            }
        }
    }

    private void readCounted(long length) throws TlsUpgradeException {
        requireRoom(length);
        byte[] piece = new byte[(int) Math.min(PIECE, length)];
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(piece.length, left);
            reader.readFully(piece, 0, n, deadline);
            body.write(piece, 0, n);
            left -= n;
        }
    }

    private void readUntilClose() throws TlsUpgradeException {
        byte[] buffered = reader.takeBuffered();
        requireRoom(buffered.length);
        body.write(buffered, 0, buffered.length);
        byte[] piece = new byte[PIECE];
        try {
            InputStream in = reader.socket().getInputStream();
            while (true) {
                if (deadline.hasPassed()) {
                    throw timeout(null);
                }
                reader.socket().setSoTimeout(deadline.remainingMillisForSocket());
                int n = in.read(piece);
                if (n < 0) {
                    return;
                }
                requireRoom(n);
                body.write(piece, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw timeout(e);
        } catch (IOException e) {
            throw e instanceof TlsUpgradeException ? (TlsUpgradeException) e
                    : new TlsUpgradeException(Failure.CLOSED, from + " failed while sending the body: "
                            + e.getMessage(), e);
        }
    }

    private TlsUpgradeException timeout(Throwable cause) {
        return new TlsUpgradeException(Failure.TIMEOUT, "no complete response from " + from + " within "
                + deadline.timeout().toMillis() + " ms", cause);
    }

    private void requireRoom(long more) throws TlsUpgradeException {
        if (more > maxSize - body.size()) {
            throw new TlsUpgradeException(Failure.LIMIT, "the response body from " + from + " is larger than "
                    + maxSize + " bytes (TlsPolicy.maxMessageSize)");
        }
    }
}
