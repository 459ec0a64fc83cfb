package dev.starttls.smtp;

import dev.starttls.spi.NumericReply;

import java.util.List;

/**
 * One SMTP reply: the three-digit code and the text of each line (RFC 5321 4.2).
 *
 * <pre>{@code
 * SmtpReply reply = smtp.command("NOOP");
 * if (reply.code() != 250) { ... }
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param code the reply code, 100 to 599
 * @param lines the text after the code on each line, in order
 * @since 0.1
 */
public record SmtpReply(int code, List<String> lines) {
    /** Copies the lines. */
    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /** Whether the code is 2xx (completed). */
    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    /** The reply as sent on the wire, lines joined with newlines. */
    @Override
    public String toString() {
        return new NumericReply(code, lines).text();
    }
}
