package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ReplaySocket;
import java.io.IOException;
import java.time.Duration;

/**
 * Coverage-guided fuzzing (Jazzer) of the HTTP/1.1 response reader: status lines, header fields, interim responses
 * and the body framings (RFC 9112 6.3: chunked with extensions and trailers, Content-Length, until close). Whatever a
 * server or a proxy sends, a head and a body within the limits come out, or a {@link TlsUpgradeException}; any other
 * exception or error fails. The corpus is in {@code HttpHeadFuzzTestInputs/}; {@code mvn -Pfuzz} fuzzes longer.
 */
class HttpHeadFuzzTest {
    private static final int MAX_LINE = 256;
    private static final int MAX_FIELDS = 32;
    private static final long MAX_BODY = 16 * 1024;

    @FuzzTest(maxDuration = "60s")
    void headsAndBodies(byte[] serverBytes) throws IOException {
        LineReader reader = LineReader.of(new ReplaySocket(serverBytes), MAX_LINE);
        try {
            for (int i = 0; i < 4; i++) {
                Deadline deadline = Deadline.after(Duration.ofSeconds(5));
                HttpHead head = HttpHead.readFinal(reader, deadline, MAX_FIELDS, "server localhost:80");
                assertTrue(head.status() >= 100 && head.status() <= 599 && !head.isInterim(), head.statusLine());
                assertTrue(head.fields().size() <= MAX_FIELDS, head.statusLine());
                HttpBody.Framing framing = HttpBody.framing("GET", head);
                byte[] body = HttpBody.read(framing, head, reader, deadline, MAX_BODY, MAX_FIELDS,
                        "server localhost:80");
                assertTrue(body.length <= MAX_BODY, body.length + " body bytes");
            }
        } catch (TlsUpgradeException expected) {
            // a typed failure is a correct answer to any input
        }
    }
}
