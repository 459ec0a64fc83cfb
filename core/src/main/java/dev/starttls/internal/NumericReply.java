package dev.starttls.internal;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply of an SMTP-style numeric protocol: a three-digit code and its text lines (RFC 5321 4.2: {@code 250-first},
 * ..., {@code 250 last}). Not API.
 *
 * @param code the reply code, 100 to 599
 * @param lines the text after the code and separator of each line, in order; at least one
 */
public record NumericReply(int code, List<String> lines) {
    public NumericReply {
        lines = List.copyOf(lines);
    }

    /**
     * Reads one complete reply under one deadline, at most {@code maxLines} lines; every line must carry the same code
     * and every line but the last a {@code -} separator.
     *
     * @throws TlsUpgradeException {@code PROTOCOL} for a malformed line, {@code LIMIT} past {@code maxLines}, and the
     *     reader's {@code TIMEOUT}, {@code CLOSED} and {@code LIMIT}
     */
    public static NumericReply read(LineReader reader, Deadline deadline, int maxLines) throws TlsUpgradeException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = reader.readLine(deadline);
            int lineCode = parseCode(line);
            if (lineCode < 0 || (code >= 0 && lineCode != code)) {
                throw new TlsUpgradeException(Failure.PROTOCOL, "malformed reply line " + quote(line)
                        + (code >= 0 ? " in a " + code + " reply" : ""), join(lines), null);
            }
            code = lineCode;
            if (lines.size() == maxLines) {
                throw new TlsUpgradeException(Failure.LIMIT, "reply has more than " + maxLines + " lines");
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new NumericReply(code, lines);
            }
        }
    }

    /** The code of a reply line ({@code ddd}, {@code ddd text} or {@code ddd-text}), or -1 if malformed. */
    private static int parseCode(String line) {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code >= 100 && code <= 599 ? code : -1;
    }

    /** Whether the code is 2xx. */
    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    /** The reply as the server sent it, lines joined with newlines, for messages and {@code reply()}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text();
    }

    private static String join(List<String> lines) {
        return lines.isEmpty() ? null : String.join("\n", lines);
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
