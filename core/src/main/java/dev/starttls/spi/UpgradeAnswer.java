package dev.starttls.spi;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a server answered the upgrade command (STARTTLS, STLS, AUTH TLS, HTTP Upgrade), as a protocol's
 * {@link StartTlsDialogue} classifies it; {@link StartTls} decides what follows, with one rule for every protocol.
 *
 * <pre>{@code
 * NumericReply reply = plain.readNumericReply();
 * return reply.code() == 220 ? UpgradeAnswer.goAhead()
 *         : reply.code() >= 400 ? UpgradeAnswer.refused(reply.text(), reply.code())
 *         : UpgradeAnswer.unexpected(reply.text(), reply.code());
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class UpgradeAnswer {
    /** The three kinds of answer. */
    public enum Kind {
        /** The server's go-ahead: the handshake follows. */
        GO_AHEAD,
        /** The protocol's negative answer (SMTP 4xx/5xx, POP3 -ERR, IMAP NO/BAD, FTP 5xx): opportunistic may go on. */
        REFUSED,
        /** A well-formed answer that is neither: fails in every mode. */
        UNEXPECTED
    }

    private static final UpgradeAnswer GO_AHEAD = new UpgradeAnswer(Kind.GO_AHEAD, "", -1);

    private final Kind kind;
    private final String reply;
    private final int code;

    private UpgradeAnswer(Kind kind, String reply, int code) {
        this.kind = kind;
        this.reply = reply;
        this.code = code;
    }

    /** The go-ahead. */
    public static UpgradeAnswer goAhead() {
        return GO_AHEAD;
    }

    /** The protocol's negative answer, with the reply as sent and its numeric code (-1 if the protocol has none). */
    public static UpgradeAnswer refused(String reply, int code) {
        return new UpgradeAnswer(Kind.REFUSED, Objects.requireNonNull(reply, "reply"), code);
    }

    /** An answer that is neither the go-ahead nor a refusal. */
    public static UpgradeAnswer unexpected(String reply, int code) {
        return new UpgradeAnswer(Kind.UNEXPECTED, Objects.requireNonNull(reply, "reply"), code);
    }

    public Kind kind() {
        return kind;
    }

    /** The reply as the server sent it; empty for the go-ahead. */
    public String reply() {
        return reply;
    }

    /** The reply's numeric code, if the protocol has one. */
    public OptionalInt code() {
        return code < 0 ? OptionalInt.empty() : OptionalInt.of(code);
    }

    int rawCode() {
        return code;
    }

    @Override
    public String toString() {
        return kind + (reply.isEmpty() ? "" : " " + reply);
    }
}
