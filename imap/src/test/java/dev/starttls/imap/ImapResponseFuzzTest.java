package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starttls.Deadline;
import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.Channel;
import dev.starttls.testkit.ReplaySocket;
import java.time.Duration;

/**
 * Coverage-guided fuzzing (Jazzer) of the IMAP response reader: tagged, untagged and continuation responses with
 * literals ({@code {n}}, {@code {n+}}, RFC 3501 4.3), under the per-response and plaintext-phase literal budgets.
 * Whatever a server sends, a response whose literals fit the budget comes out, or a {@link TlsUpgradeException}; any
 * other exception or error (an {@code OutOfMemoryError} for a literal sized from what the server declared) fails. The
 * corpus is in {@code ImapResponseFuzzTestInputs/}; {@code mvn -Pfuzz} fuzzes longer.
 */
class ImapResponseFuzzTest {
    private static final TlsPolicy POLICY = TlsPolicy.builder().maxLineLength(512).maxReplyLines(32)
            .maxMessageSize(16 * 1024).build();

    @FuzzTest(maxDuration = "60s")
    void responsesAndLiterals(byte[] serverBytes) throws TlsUpgradeException {
        Channel channel = Channel.open(new ReplaySocket(serverBytes), POLICY, Endpoint.of("localhost", 143));
        ImapResponse.LiteralBudget phase = ImapResponse.LiteralBudget.plaintextPhase();
        long literalBytes = 0;
        try {
            for (int i = 0; i < 8; i++) {
                ImapResponse response = ImapResponse.read(channel, Deadline.after(Duration.ofSeconds(5)), phase);
                response.hasTag("A1"); // the accessors a dialogue uses must not throw either
                response.status();
                for (byte[] literal : response.literals()) {
                    literalBytes += literal.length;
                }
                assertTrue(literalBytes <= ImapResponse.LiteralBudget.PLAINTEXT_BYTES, literalBytes + " literal bytes");
            }
        } catch (TlsUpgradeException expected) {
            // a typed failure is a correct answer to any input
        } finally {
            channel.close();
        }
    }
}
