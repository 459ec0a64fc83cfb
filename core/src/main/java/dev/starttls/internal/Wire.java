package dev.starttls.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protocol command lines: the whole line and its CRLF in one {@code write} and one {@code flush} (with
 * {@code TCP_NODELAY} this avoids the 40 ms Nagle/delayed-ACK stall), after checking that no argument can smuggle a
 * second command. Not API.
 */
public final class Wire {
    private Wire() {
    }

    /**
     * Rejects a caller-supplied argument containing CR, LF or NUL, before anything is written.
     *
     * @throws IllegalArgumentException naming the argument
     */
    public static String requireSafe(String what, String value) {
        if (value == null) {
            throw new NullPointerException(what);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException(what + " must not contain CR, LF or NUL (index " + i + ")");
            }
        }
        return value;
    }

    /** Writes {@code line} + CRLF as UTF-8 in one write, then flushes. The line must already be checked. */
    public static void writeLine(OutputStream out, String line) throws IOException {
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 2];
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[text.length] = '\r';
        bytes[text.length + 1] = '\n';
        out.write(bytes);
        out.flush();
    }

    /** A line shown in a message: quoted, control characters escaped, cut at 120 characters. */
    public static String quote(String line) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < Math.min(line.length(), 120); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f || c > 0xff) {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        return sb.append(line.length() > 120 ? "...'" : "'").toString();
    }
}
