package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the numeric reply parsers, SMTP's (RFC 5321 4.2) and FTP's with RFC 959
 * multi-line replies: whatever a server sends, they return well-formed {@link NumericReply}s within the limits or
 * throw a {@link TlsUpgradeException}; any other exception or error fails. The first input byte chooses the parser.
 * The default test run replays the corpus in {@code ReplyParsersFuzzTestInputs/} and fuzzes for a bounded number of
 * runs; {@code mvn -Pfuzz} fuzzes for the annotation's duration.
 */
class ReplyParsersFuzzTest {
    private static final int MAX_LINE = 128;
    private static final int MAX_LINES = 16;

    @FuzzTest(maxDuration = "60s")
    void numericReplies(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        boolean rfc959 = (input[0] & 1) == 1;
        LineReader reader = LineReader.of(new BytesSocket(Arrays.copyOfRange(input, 1, input.length)), MAX_LINE);
        try {
            for (int i = 0; i < 8; i++) { // a dialogue's worth of replies from one stream
                Deadline deadline = Deadline.after(Duration.ofSeconds(5));
                NumericReply reply = rfc959 ? NumericReply.readRfc959(reader, deadline, MAX_LINES)
                        : NumericReply.read(reader, deadline, MAX_LINES);
                assertWellFormed(reply);
            }
        } catch (TlsUpgradeException expected) {
            // a typed failure is a correct answer to any input
        }
    }

    private static void assertWellFormed(NumericReply reply) {
        assertTrue(reply.code() >= 100 && reply.code() <= 599, reply::text);
        assertTrue(!reply.lines().isEmpty() && reply.lines().size() <= MAX_LINES, reply::text);
        reply.lines().forEach(line -> assertTrue(line.length() <= MAX_LINE, line));
    }

    /** A socket without a network that reads {@code bytes}, then end of stream (core cannot use the kit's). */
    private static final class BytesSocket extends Socket {
        private final InputStream in;

        BytesSocket(byte[] bytes) {
            in = new ByteArrayInputStream(bytes);
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return new ByteArrayOutputStream();
        }
    }
}
