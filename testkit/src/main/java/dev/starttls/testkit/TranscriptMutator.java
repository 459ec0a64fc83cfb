package dev.starttls.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Deterministic mutations of a server transcript (bytes flipped, cut, repeated or inserted, lines split, oversized
 * counts and literal markers planted) for robustness tests: whatever a server sends, a client must answer with a
 * parsed reply or a typed exception, never a {@code RuntimeException} or unbounded memory.
 *
 * <pre>{@code
 * TranscriptMutator mutator = new TranscriptMutator(42);
 * for (int i = 0; i < 1000; i++) {
 *     byte[] hostile = mutator.mutate(validTranscript);
 *     assertThrows(TlsUpgradeException.class, () -> SmtpTls.upgrade(new ReplaySocket(hostile), "localhost", policy));
 * }
 * }</pre>
 *
 * <p>Not thread-safe; the same seed gives the same mutations.
 *
 * @since 0.1
 */
public final class TranscriptMutator {
    private static final byte[][] TOKENS = {
        "\r\n".getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII),
        "{2147483647}\r\n".getBytes(StandardCharsets.US_ASCII), "{99999999999999}\r\n".getBytes(StandardCharsets.US_ASCII),
        "{0}\r\n".getBytes(StandardCharsets.US_ASCII), "{5+}\r\n".getBytes(StandardCharsets.US_ASCII),
        ".\r\n".getBytes(StandardCharsets.US_ASCII), "..".getBytes(StandardCharsets.US_ASCII),
        "250-".getBytes(StandardCharsets.US_ASCII), "* ".getBytes(StandardCharsets.US_ASCII),
        "+ ".getBytes(StandardCharsets.US_ASCII), "+OK".getBytes(StandardCharsets.US_ASCII),
        "-ERR".getBytes(StandardCharsets.US_ASCII), "[CAPABILITY ".getBytes(StandardCharsets.US_ASCII),
        "]".getBytes(StandardCharsets.US_ASCII), "\0".getBytes(StandardCharsets.US_ASCII),
        "\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1), "STARTTLS".getBytes(StandardCharsets.US_ASCII),
    };

    private final Random random;

    /** A mutator with a fixed seed, so a failing case can be replayed. */
    public TranscriptMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One to four random mutations of {@code transcript}. */
    public byte[] mutate(byte[] transcript) {
        byte[] result = transcript;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            result = mutateOnce(result);
        }
        return result;
    }

    private byte[] mutateOnce(byte[] in) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 32);
        switch (random.nextInt(6)) {
            case 0 -> { // flip one byte
                byte[] copy = in.clone();
                if (copy.length > 0) {
                    copy[Math.min(at, copy.length - 1)] = (byte) random.nextInt(256);
                }
                return copy;
            }
            case 1 -> { // cut a range
                int end = Math.min(in.length, at + random.nextInt(16) + 1);
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 2 -> { // repeat a range
                int end = Math.min(in.length, at + random.nextInt(64) + 1);
                out.write(in, 0, end);
                out.write(in, at, end - at);
                out.write(in, end, in.length - end);
            }
            case 3 -> { // plant a protocol token
                byte[] token = TOKENS[random.nextInt(TOKENS.length)];
                out.write(in, 0, at);
                out.write(token, 0, token.length);
                out.write(in, at, in.length - at);
            }
            case 4 -> { // insert random bytes
                out.write(in, 0, at);
                for (int n = random.nextInt(8) + 1; n > 0; n--) {
                    out.write(random.nextInt(256));
                }
                out.write(in, at, in.length - at);
            }
            default -> out.write(in, 0, at); // truncate
        }
        return out.toByteArray();
    }
}
