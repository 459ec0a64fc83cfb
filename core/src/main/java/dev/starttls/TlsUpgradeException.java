package dev.starttls;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one exception this library throws for a failed connection, upgrade or command; an {@link IOException}, so
 * existing {@code catch} blocks keep working, with a {@link #failure()} that says which kind of failure it was.
 *
 * <pre>{@code
 * try (SmtpSession smtp = SmtpTls.upgrade(socket)) {
 *     ...
 * } catch (TlsUpgradeException e) {
 *     if (e.failure() == Failure.STARTTLS_NOT_OFFERED) {
 *         log.warn("possible STARTTLS stripping: " + e.getMessage());
 *     }
 * }
 * }</pre>
 *
 * <p>When a failure happens during an upgrade, the socket that was being upgraded has been closed by the time this
 * exception is thrown.
 *
 * @since 0.1
 */
public final class TlsUpgradeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure; each names what went wrong, not where. */
    public enum Failure {
        /** The TCP connection could not be made (refused, unreachable, no such host, connect timeout). */
        CONNECT,
        /** The server did not advertise the upgrade (STARTTLS, STLS, AUTH TLS): possibly stripped by an attacker. */
        STARTTLS_NOT_OFFERED,
        /** The server answered the upgrade command with anything but its go-ahead; {@link #reply()} has the answer. */
        STARTTLS_REFUSED,
        /** Bytes arrived after the go-ahead and before the handshake: plaintext injection (CVE-2011-0411 class). */
        INJECTION,
        /** The server's certificate was rejected: untrusted, expired, not yet valid or issued for another name. */
        CERTIFICATE,
        /** The TLS handshake failed for another reason: version, cipher suite, alert, or garbage instead of TLS. */
        HANDSHAKE,
        /** The server sent a reply this library could not parse or did not expect at this step. */
        PROTOCOL,
        /** A reply, connect or handshake did not complete before its deadline. */
        TIMEOUT,
        /** A line, reply or literal was larger than the policy allows. */
        LIMIT,
        /** The peer closed or reset the connection. */
        CLOSED,
        /** After TLS, the server answered a command (AUTH, MAIL, RCPT, ...) with an error; {@link #reply()} has it. */
        REJECTED
    }

    private final Failure failure;
    private final String reply;
    private final int replyCode;

    /** A failure of the given kind. */
    public TlsUpgradeException(Failure failure, String message) {
        this(failure, message, null, null);
    }

    /** A failure of the given kind, keeping the lower-level cause. */
    public TlsUpgradeException(Failure failure, String message, Throwable cause) {
        this(failure, message, null, cause);
    }

    /** A failure of the given kind that carries the server's reply (the lines joined by newlines). */
    public TlsUpgradeException(Failure failure, String message, String reply, Throwable cause) {
        this(failure, message, reply, -1, cause);
    }

    /**
     * A failure of the given kind that carries the server's reply and its numeric code (SMTP, FTP, HTTP status), so
     * callers need not parse {@link #reply()}.
     *
     * @param replyCode the code, 100 to 599, or -1 for none
     */
    public TlsUpgradeException(Failure failure, String message, String reply, int replyCode, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.reply = reply;
        if (replyCode != -1 && (replyCode < 100 || replyCode > 599)) {
            throw new IllegalArgumentException("replyCode must be 100..599 or -1: " + replyCode);
        }
        this.replyCode = replyCode;
    }

    /** Which kind of failure this is. */
    public Failure failure() {
        return failure;
    }

    /** The server's reply, for refusals and rejections; empty when no reply is involved. */
    public Optional<String> reply() {
        return Optional.ofNullable(reply);
    }

    /** The numeric code of the server's reply (SMTP, FTP, HTTP status), when the protocol has one. */
    public OptionalInt replyCode() {
        return replyCode < 0 ? OptionalInt.empty() : OptionalInt.of(replyCode);
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + failure + "]: " + getMessage();
    }
}
