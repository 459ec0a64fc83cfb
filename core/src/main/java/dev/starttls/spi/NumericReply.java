package dev.starttls.spi;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply of an SMTP-style numeric protocol: a three-digit code and its text lines (RFC 5321 4.2: {@code 250-first},
 * ..., {@code 250 last}) or an RFC 959 FTP reply. Part of the SPI for protocol modules.
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
            if (lineCode == -1 || (!lines.isEmpty() && lineCode != code)) {
                throw new TlsUpgradeException(Failure.PROTOCOL, "malformed reply line " + quote(line)
                        + (lines.isEmpty() ? "" : " in a " + code + " reply"), join(lines), null);
            }
            code = lineCode;
            if (lines.size() == maxLines) {
                throw new TlsUpgradeException(Failure.LIMIT, "reply has more than " + maxLines + " lines");
            }
            lines.add(afterCode(line));
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new NumericReply(code, lines);
            }
        }
    }

    /**
     * Reads one complete RFC 959 (FTP) reply under one deadline: a single {@code ddd text} line, or {@code ddd-text}
     * followed by any lines up to one that starts with the same code and a space. Middle lines need not carry the code
     * (vsftpd's FEAT answer starts them with a space); the first and last lines must.
     *
     * @throws TlsUpgradeException {@code PROTOCOL} for a malformed first line, {@code LIMIT} past {@code maxLines},
     *     and the reader's {@code TIMEOUT}, {@code CLOSED} and {@code LIMIT}
     */
    public static NumericReply readRfc959(LineReader reader, Deadline deadline, int maxLines)
            throws TlsUpgradeException {
        String first = reader.readLine(deadline);
        int code = parseCode(first);
        if (code == -1) {
            throw new TlsUpgradeException(Failure.PROTOCOL, "malformed reply line " + quote(first), first, null);
        }
        List<String> lines = new ArrayList<>();
        lines.add(afterCode(first));
        if (first.length() == 3 || first.charAt(3) == ' ') {
            return new NumericReply(code, lines);
        }
        String end = first.substring(0, 3) + " ";
        while (true) {
            String line = reader.readLine(deadline);
            if (lines.size() == maxLines) {
                throw new TlsUpgradeException(Failure.LIMIT, "reply has more than " + maxLines + " lines");
            }
            if (line.startsWith(end) || line.equals(end.trim())) {
                lines.add(afterCode(line));
                return new NumericReply(code, lines);
            }
            // a middle line: "ddd-text" carries the code, anything else is free text (RFC 959 4.2)
            boolean coded = line.length() >= 4 && line.startsWith(first.substring(0, 3)) && line.charAt(3) == '-';
            lines.add(coded ? line.substring(4) : line);
        }
    }

    /** The text after {@code ddd} and its separator; empty for a bare {@code ddd}. */
    private static String afterCode(String line) {
        return line.substring(Math.min(4, line.length()));
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

    /** A failure of kind {@code failure} that carries this reply's text and code. */
    public TlsUpgradeException failure(Failure failure, String message) {
        return new TlsUpgradeException(failure, message, text(), code, null);
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
        return Wire.quote(line);
    }
}
