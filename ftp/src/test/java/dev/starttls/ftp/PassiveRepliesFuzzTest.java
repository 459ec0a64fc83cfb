package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starttls.Deadline;
import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import dev.starttls.testkit.ReplaySocket;
import java.time.Duration;

/**
 * Coverage-guided fuzzing (Jazzer) of the FTP passive-mode replies (RFC 959 227 PASV, RFC 2428 229 EPSV) read as
 * RFC 959 replies: whatever a server sends, a port in 1..65535 comes out, or a {@link TlsUpgradeException}; any other
 * exception or error fails. The corpus is in {@code PassiveRepliesFuzzTestInputs/}; {@code mvn -Pfuzz} fuzzes longer.
 */
class PassiveRepliesFuzzTest {
    private static final TlsPolicy POLICY = TlsPolicy.builder().maxLineLength(512).maxReplyLines(32).build();

    @FuzzTest(maxDuration = "60s")
    void passiveAndExtendedPassiveReplies(byte[] serverBytes) throws TlsUpgradeException {
        Channel channel = Channel.open(new ReplaySocket(serverBytes), POLICY, Endpoint.of("localhost", 21));
        try {
            for (int i = 0; i < 8; i++) {
                NumericReply reply = channel.readRfc959Reply();
                int port = i % 2 == 0 ? PassiveReplies.pasvPort(reply, "localhost:21")
                        : PassiveReplies.epsvPort(reply, "localhost:21");
                assertTrue(port >= 1 && port <= 65535, "port " + port);
            }
        } catch (TlsUpgradeException expected) {
            // a typed failure is a correct answer to any input
        } finally {
            channel.close();
        }
    }
}
