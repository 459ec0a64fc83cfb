package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.ReplaySocket;
import dev.starttls.testkit.TranscriptMutator;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Thousands of mutated server transcripts: every outcome is a session or a typed failure, never anything else. */
class ImapTlsRobustnessTest {
    private static final byte[] TRANSCRIPT = ("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\n* OK [ALERT] {5}\r\nhello\r\nA1 OK done\r\n").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void mutatedServerTranscriptsOnlyEverGiveTypedFailures() {
        TlsPolicy required = TlsPolicy.builder().maxMessageSize(64 * 1024).build();
        TlsPolicy opportunistic = required.newBuilder().opportunistic(true).build();
        TranscriptMutator mutator = new TranscriptMutator(20261129L);
        Set<Failure> seen = EnumSet.noneOf(Failure.class);
        for (int i = 0; i < 3000; i++) {
            byte[] hostile = mutator.mutate(TRANSCRIPT);
            ReplaySocket socket = new ReplaySocket(hostile);
            try (ImapSession session = ImapTls.upgrade(socket, "localhost", i % 2 == 0 ? required : opportunistic)) {
                assertTrue(!session.isTls(), "no TLS without a handshake");
            } catch (TlsUpgradeException e) {
                seen.add(e.failure());
            } catch (RuntimeException e) {
                fail("case " + i + " threw " + e + " for " + new String(hostile, StandardCharsets.ISO_8859_1), e);
            }
        }
        // the mutations reach past the greeting: several different kinds of failure were produced
        assertTrue(seen.size() >= 3, seen.toString());
    }
}
