package dev.starttls.pop3;

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
 * Coverage-guided fuzzing (Jazzer) of the POP3 reply parsers: status lines and dot-terminated multi-line responses
 * (RFC 1939 3) with dot-unstuffing. Whatever a server sends, a status or a body within the policy's limits comes out,
 * or a {@link TlsUpgradeException}; any other exception or error fails. The corpus is in
 * {@code Pop3RepliesFuzzTestInputs/}; {@code mvn -Pfuzz} fuzzes longer.
 */
class Pop3RepliesFuzzTest {
    private static final TlsPolicy POLICY = TlsPolicy.builder().maxLineLength(512).maxReplyLines(32)
            .maxMessageSize(16 * 1024).build();

    @FuzzTest(maxDuration = "60s")
    void statusesAndMultiLineResponses(byte[] serverBytes) throws TlsUpgradeException {
        Channel channel = Channel.open(new ReplaySocket(serverBytes), POLICY, Endpoint.of("localhost", 110));
        try {
            for (int i = 0; i < 8; i++) {
                Deadline deadline = Deadline.after(Duration.ofSeconds(5));
                String status = Pop3Dialogue.readStatus(channel, deadline);
                assertTrue(status.length() <= POLICY.maxLineLength(), status);
                if (Pop3Dialogue.isOk(status)) {
                    byte[] body = Pop3Dialogue.readMultiLine(channel, deadline);
                    assertTrue(body.length <= POLICY.maxMessageSize(), "body of " + body.length + " bytes");
                }
            }
        } catch (TlsUpgradeException expected) {
            // a typed failure is a correct answer to any input
        } finally {
            channel.close();
        }
    }
}
