package dev.starttls.imap;

import dev.starttls.Deadline;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One IMAP response: its text with each literal replaced by {@code {n}}, and the literals' bytes. Literals are read in
 * chunks as they arrive, all of one response together bounded by the policy's maximum message size (far less before
 * TLS), never pre-allocated from the declared size.
 */
record ImapResponse(String text, List<byte[]> literals) {
    private static final int CHUNK = 64 * 1024;
    private static final long MALFORMED = -2;
    /** A literal's size at the end of a line: {@code {n}}, or {@code {n+}} (RFC 7888); a sign makes it malformed. */
    private static final Pattern LITERAL = Pattern.compile("\\{(-?)([0-9]+)\\+?}$");

    boolean isUntagged() {
        return text.startsWith("* ");
    }

    boolean isContinuation() {
        return text.equals("+") || text.startsWith("+ ");
    }

    /** Whether this is the tagged response to the command tagged {@code tag} (tags have neither space, * nor +). */
    boolean hasTag(String tag) {
        return text.startsWith(tag + " ");
    }

    /** {@code OK}, {@code NO}, {@code BAD}, {@code PREAUTH}, {@code BYE} or another word after the tag or star. */
    String status() {
        String[] words = text.split(" ", 3);
        return words.length == 1 ? "" : words[1].toUpperCase(java.util.Locale.ROOT); // RFC 3501 9: case-insensitive
    }

    /**
     * Reads one response, literals included, all under {@code deadline}. Its literals together may not exceed the
     * policy's maximum message size, or {@link LiteralBudget#PLAINTEXT_BYTES} before TLS; they are also charged to
     * {@code phase} (the plaintext phase as a whole).
     */
    static ImapResponse read(Channel channel, Deadline deadline, LiteralBudget phase) throws TlsUpgradeException {
        StringBuilder text = new StringBuilder();
        List<byte[]> literals = new ArrayList<>();
        LiteralBudget response = channel.isTls()
                ? new LiteralBudget(channel.policy().maxMessageSize(), "in one response")
                : new LiteralBudget(LiteralBudget.PLAINTEXT_BYTES, "in one response before TLS");
        while (true) {
            String line = channel.readLine(deadline);
            text.append(line);
            long size = literalSize(line);
            if (size == MALFORMED) {
                throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " announced a literal with a "
                        + "malformed size: " + NumericReply.quote(line), line, null);
            }
            if (size < 0) {
                return new ImapResponse(text.toString(), List.copyOf(literals));
            }
            // charged before a byte is read: a declared size over the budget is refused at once, never allocated
            response.spend(channel, size);
            phase.spend(channel, size);
            if (text.length() > channel.policy().maxLineLength() * 4L || literals.size() >= 1000) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent a response with too many parts");
            }
            literals.add(readLiteral(channel, (int) size, deadline));
        }
    }

    /**
     * How many literal bytes may still arrive in a scope (one response, or the plaintext phase of a connection), so
     * that many literals, each under the limit, cannot add up to an {@code OutOfMemoryError}. Not thread-safe.
     */
    static final class LiteralBudget {
        /** Before TLS nothing needs literals (greeting, CAPABILITY, STARTTLS); 64 KiB is generous. */
        static final long PLAINTEXT_BYTES = 64 * 1024;

        private final String scope;
        private final long limit;
        private long left;

        LiteralBudget(long bytes, String scope) {
            this.limit = bytes;
            this.left = bytes;
            this.scope = scope;
        }

        /** A budget for the plaintext phase of one connection. */
        static LiteralBudget plaintextPhase() {
            return new LiteralBudget(PLAINTEXT_BYTES, "before TLS");
        }

        /** No budget beyond the per-response one (inside TLS). */
        static LiteralBudget unlimited() {
            return new LiteralBudget(Long.MAX_VALUE, "");
        }

        void spend(Channel channel, long bytes) throws TlsUpgradeException {
            if (bytes > left) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent literals of more than " + limit
                        + " bytes " + scope + " (one more announced " + (bytes == Long.MAX_VALUE ? "over 10^18" : bytes)
                        + " bytes)");
            }
            left -= bytes;
        }
    }

    /**
     * The size of a literal announced at the end of {@code line} ({@code {n}} or {@code {n+}}; {@link Long#MAX_VALUE}
     * for more than 18 digits), -1 if there is none, {@link #MALFORMED} for a negative size such as {@code {-1}}
     * (RFC 3501 9: number is ASCII digits only, so {@code {}}, {@code {-}} or {@code {1x}} is text).
     */
    static long literalSize(String line) {
        Matcher literal = LITERAL.matcher(line);
        if (!literal.find()) {
            return -1;
        }
        if (!literal.group(1).isEmpty()) {
            return MALFORMED;
        }
        String digits = literal.group(2);
        // still a literal when longer than a long holds: refused by every budget, never mistaken for text
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private static byte[] readLiteral(Channel channel, int size, Deadline deadline) throws TlsUpgradeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(size, CHUNK));
        byte[] chunk = new byte[Math.min(size, CHUNK)];
        int left = size;
        while (left > 0) {
            int n = Math.min(left, chunk.length);
            // the response's deadline: a server dripping a literal cannot stretch it
            channel.reader().readFully(chunk, 0, n, deadline);
            out.write(chunk, 0, n);
            left -= n;
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return NumericReply.quote(text);
    }
}
