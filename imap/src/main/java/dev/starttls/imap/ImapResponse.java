package dev.starttls.imap;

import dev.starttls.Deadline;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One IMAP response: its text with each literal replaced by {@code {n}}, and the literals' bytes. Literals are read in
 * chunks as they arrive, bounded by the policy's maximum message size, never pre-allocated from the declared size.
 */
record ImapResponse(String text, List<byte[]> literals) {
    private static final int CHUNK = 64 * 1024;

    boolean isUntagged() {
        return text.startsWith("* ");
    }

    boolean isContinuation() {
        return text.equals("+") || text.startsWith("+ ");
    }

    /** The tag of a tagged response, or null. */
    String tag() {
        int space = text.indexOf(' ');
        return isUntagged() || isContinuation() || space <= 0 ? null : text.substring(0, space);
    }

    /** {@code OK}, {@code NO}, {@code BAD}, {@code PREAUTH}, {@code BYE} or another word after the tag or star. */
    String status() {
        String[] words = text.split(" ", 3);
        return words.length > 1 ? words[1].toUpperCase(java.util.Locale.ROOT) : ""; // RFC 3501 9: case-insensitive
    }

    /** Reads one response, literals included, under {@code deadline} for its lines. */
    static ImapResponse read(Channel channel, Deadline deadline) throws TlsUpgradeException {
        StringBuilder text = new StringBuilder();
        List<byte[]> literals = new ArrayList<>();
        long max = channel.policy().maxMessageSize();
        while (true) {
            String line = channel.readLine(deadline);
            text.append(line);
            long size = literalSize(line);
            if (size < 0) {
                return new ImapResponse(text.toString(), List.copyOf(literals));
            }
            if (size > max) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " announced a literal of " + size
                        + " bytes; the policy allows " + max);
            }
            if (text.length() > channel.policy().maxLineLength() * 4L || literals.size() >= 1000) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent a response with too many parts");
            }
            literals.add(readLiteral(channel, (int) size));
        }
    }

    /** The size of a literal announced at the end of {@code line} ({@code {n}} or {@code {n+}}), or -1. */
    static long literalSize(String line) {
        if (!line.endsWith("}")) {
            return -1;
        }
        int open = line.lastIndexOf('{');
        if (open < 0) {
            return -1;
        }
        String digits = line.substring(open + 1, line.length() - 1);
        if (digits.endsWith("+")) {
            digits = digits.substring(0, digits.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    private static byte[] readLiteral(Channel channel, int size) throws TlsUpgradeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(size, CHUNK));
        byte[] chunk = new byte[Math.min(size, CHUNK)];
        int left = size;
        while (left > 0) {
            int n = Math.min(left, chunk.length);
            // a fresh deadline per chunk: a large literal that keeps arriving is not cut off, a stalled one is
            channel.reader().readFully(chunk, 0, n, channel.replyDeadline());
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
