package dev.starttls.http;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The status line and header fields of one HTTP response, read under one deadline and bounded by the policy. */
record HttpHead(String statusLine, int status, String reason, List<Map.Entry<String, String>> fields) {
    // RFC 9112 4: HTTP-version SP status-code SP [ reason-phrase ]; a missing SP before an empty reason is tolerated;
    // RFC 9110 15: codes outside 100..599 are not HTTP
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[0-9] ([1-5][0-9]{2})(?: (.*))?");

    private static final int MAX_INTERIM = 16;

    HttpHead {
        fields = List.copyOf(fields);
    }

    /**
     * Reads one head: a status line, then fields up to the empty line.
     *
     * @param maxFields more fields than this is {@code LIMIT} (an endless header block)
     * @param from who sent it, for messages ({@code "proxy 127.0.0.1:3128"})
     * @throws TlsUpgradeException {@code PROTOCOL} for anything that is not an HTTP/1.x head, {@code LIMIT},
     *     {@code TIMEOUT} when the deadline passes, {@code CLOSED}
     */
    static HttpHead read(LineReader reader, Deadline deadline, int maxFields, String from) throws TlsUpgradeException {
        String statusLine = reader.readLine(deadline);
        Matcher m = STATUS_LINE.matcher(statusLine);
        if (!m.matches()) {
            throw new TlsUpgradeException(Failure.PROTOCOL, from + " did not answer with an HTTP/1.x status line: "
                    + Wire.quote(statusLine), statusLine, null);
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line = reader.readLine(deadline); !line.isEmpty(); line = reader.readLine(deadline)) {
            if (fields.size() == maxFields) {
                throw new TlsUpgradeException(Failure.LIMIT, from + " sent more than " + maxFields
                        + " header fields after " + Wire.quote(statusLine));
            }
            int colon = line.indexOf(':');
            // RFC 9112 5.2: obsolete line folding may be rejected; a field without a colon is malformed
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new TlsUpgradeException(Failure.PROTOCOL, from + " sent a malformed header field "
                        + Wire.quote(line) + " after " + Wire.quote(statusLine), statusLine, null);
            }
            fields.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        String reason = m.group(2) == null ? "" : m.group(2);
        return new HttpHead(statusLine, Integer.parseInt(m.group(1)), reason, fields);
    }

    /**
     * Reads heads until a final one, skipping interim responses ({@code 100 Continue}, {@code 103 Early Hints}), all
     * under the same deadline.
     */
    static HttpHead readFinal(LineReader reader, Deadline deadline, int maxFields, String from)
            throws TlsUpgradeException {
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            HttpHead head = read(reader, deadline, maxFields, from);
            if (!head.isInterim()) {
                return head;
            }
        }
        throw new TlsUpgradeException(Failure.LIMIT, from + " sent more than " + MAX_INTERIM + " interim responses");
    }

    /** The first value of field {@code name} (case-insensitive). */
    Optional<String> field(String name) {
        return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** Every value of field {@code name}, in order. */
    List<String> values(String name) {
        return fields.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    /** An interim (1xx) response other than 101, which a client skips (RFC 9110 15.2). */
    boolean isInterim() {
        return status >= 100 && status < 200 && status != 101;
    }

    /** The head as text, status line first, for {@code TlsUpgradeException.reply()}. */
    String text() {
        StringBuilder b = new StringBuilder(statusLine);
        for (Map.Entry<String, String> f : fields) {
            b.append('\n').append(f.getKey()).append(": ").append(f.getValue());
        }
        return b.toString();
    }

    /** The status line and, when present, the fields that explain a refusal. */
    String summary(String... explaining) {
        StringBuilder b = new StringBuilder(Wire.quote(statusLine));
        for (String name : explaining) {
            field(name).ifPresent(v -> b.append(", ").append(name).append(": ").append(Wire.quote(v)));
        }
        return b.toString();
    }
}
