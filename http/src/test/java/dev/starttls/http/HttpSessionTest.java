package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Framing, limits and deadlines of responses read by {@link HttpSession}, against scripted TLS servers: for each bound
 * RFC 9112 and the policy draw (status line, fields, interim responses, Content-Length, chunk sizes, trailers, body size,
 * keep-alive), the last value accepted and the first refused.
 */
@Timeout(30)
class HttpSessionTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    /** A TLS server that answers one request head with each response in turn, then waits for the client to close. */
    private ScriptedServer answering(String... responses) {
        return ScriptedServer.start(c -> {
            c.startTls(certificate);
            for (String response : responses) {
                c.readHead();
                c.send(response);
            }
            c.readUntilClosed();
        });
    }

    /** The reply to {@code GET /} when the server answers {@code response}. */
    private HttpReply reply(String response, TlsPolicy clientPolicy) throws Exception {
        try (ScriptedServer server = answering(response);
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), clientPolicy)) {
            return session.get("/");
        }
    }

    /** The failure of {@code GET /} when the server answers {@code response}; the session is closed by it. */
    private TlsUpgradeException failure(String response, TlsPolicy clientPolicy) throws Exception {
        try (ScriptedServer server = answering(response);
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), clientPolicy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            assertTrue(session.socket().isClosed(), "a failure closes the session");
            return e;
        }
    }

    /** The reply to {@code GET /} from a server that answers {@code response} and closes. */
    private HttpReply untilClose(String response, TlsPolicy clientPolicy) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.send(response);
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), clientPolicy)) {
            return session.get("/");
        }
    }

    @Test
    void decodesChunksWithExtensionsAndTrailersAndSkipsInterimResponses() throws Exception {
        try (ScriptedServer server = answering("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            HttpReply reply = session.get("/");
            assertEquals(200, reply.status());
            assertEquals("hello world", reply.bodyText());
        }
    }

    @Test
    void readsABodyUntilCloseAndThenRefusesAnotherRequest() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\n\r\nuntil the end");
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertEquals("until the end", session.get("/").bodyText());
            assertThrows(IllegalStateException.class, () -> session.get("/again"));
        }
    }

    @Test
    void sendsHostFieldsAndACountedBody() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.readBytes(4);
                    c.send("HTTP/1.1 204 No Content\r\n\r\n");
                    c.readUntilClosed();
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("Content-Type", "text/plain");
            assertEquals(204, session.send("POST", "/submit", fields, "body".getBytes(StandardCharsets.UTF_8))
                    .status());
            assertEquals(List.of("[TLS] POST /submit HTTP/1.1", "[TLS] Host: localhost:" + server.port(),
                    "[TLS] Content-Type: text/plain", "[TLS] Content-Length: 4", "[TLS] "), server.received());
        }
    }

    @Test
    void aBodyLargerThanThePolicyAllowsIsALimit() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        assertEquals(Failure.LIMIT, failure("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n", small).failure());
        assertEquals(Failure.LIMIT, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "400\r\n" + "x".repeat(1024) + "\r\n1\r\n", small).failure());
    }

    @Test
    void malformedFramingIsAProtocolFailure() throws Exception {
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                policy).failure());
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", policy).failure());
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                policy).failure());
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\n folded: no\r\n\r\n", policy).failure());
        assertEquals(Failure.PROTOCOL, failure("HTTP/2 200\r\n\r\n", policy).failure());
    }

    @Test
    void aDrippingResponseTimesOutUnderOneDeadline() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(500)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    try {
                        c.drip("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", Duration.ofMillis(50));
                    } catch (IOException e) {
                        // the client gave up
                    }
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), impatient)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertTrue(session.socket().isClosed());
        }
    }

    @Test
    void rejectsMalformedRequestsBeforeWriting() throws Exception {
        try (ScriptedServer server = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertThrows(IllegalArgumentException.class, () -> session.get("/a b"));
            assertThrows(IllegalArgumentException.class, () -> session.get("/\r\nX-Injected: 1"));
            assertThrows(IllegalArgumentException.class, () -> session.send("GE T", "/", Map.of(), null));
            assertThrows(IllegalArgumentException.class, () -> session.send("GET", "/", Map.of("X", "a\r\nB: c"), null));
            assertThrows(IllegalArgumentException.class,
                    () -> session.send("GET", "/", Map.of("Content-Length", "5"), null));
            assertEquals(200, session.get("/").status(), "nothing was written by the refused requests");
        }
    }

    @Test
    void skipsSixteenInterimResponsesButTheSeventeenthIsALimit() throws Exception {
        String interim = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n";
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        HttpReply reply = reply(interim.repeat(16) + ok, policy);
        assertEquals(200, reply.status());
        assertEquals("ok", reply.bodyText());

        TlsUpgradeException e = failure(interim.repeat(17) + ok, policy);
        assertEquals(Failure.LIMIT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("more than 16 interim responses"), e.getMessage());
    }

    @Test
    void a199IsInterimButA101IsTheFinalAnswerWithoutABody() throws Exception {
        assertEquals(204, reply("HTTP/1.1 199 Misc\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", policy).status());
        HttpReply switched = reply("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", policy);
        assertEquals(101, switched.status());
        assertEquals(0, switched.body().length);
    }

    @Test
    void keepsTheWholeReasonPhraseAndAnEmptyOneWhenItIsMissing() throws Exception {
        assertEquals("Not Quite Found", reply("HTTP/1.0 404 Not Quite Found\r\nContent-Length: 0\r\n\r\n", policy)
                .reason());
        HttpReply bare = reply("HTTP/1.1 204\r\n\r\n", policy);
        assertEquals(204, bare.status());
        assertEquals("", bare.reason());
    }

    @Test
    void aStatusOutsideHttpsRangeIsAProtocolFailure() throws Exception {
        for (String statusLine : List.of("HTTP/1.1 600 Beyond", "HTTP/1.1 099 Below", "HTTP/1.1 20 Short",
                "HTTP/1.1 200OK")) {
            TlsUpgradeException e = failure(statusLine + "\r\n\r\n", policy);
            assertEquals(Failure.PROTOCOL, e.failure(), statusLine);
            assertTrue(e.getMessage().contains("did not answer with an HTTP/1.x status line"), e.getMessage());
        }
    }

    @Test
    void trimsTheWhiteSpaceAroundFieldValuesAndFindsFieldsIgnoringCase() throws Exception {
        HttpReply reply = reply("HTTP/1.1 200 OK\r\nX-Spaced:  a value\t\r\nx-spaced: second\r\n"
                + "Content-Length:3\r\n\r\nabc", policy);
        assertEquals(Optional.of("a value"), reply.header("x-SPACED"));
        assertEquals(List.of(Map.entry("X-Spaced", "a value"), Map.entry("x-spaced", "second"),
                Map.entry("Content-Length", "3")), reply.headers());
        assertEquals("abc", reply.bodyText());
    }

    @Test
    void aFieldWithoutANameOrFoldedWithATabIsAProtocolFailure() throws Exception {
        for (String field : List.of(": no name", "\tfolded: no", "no colon at all")) {
            TlsUpgradeException e = failure("HTTP/1.1 200 OK\r\n" + field + "\r\nContent-Length: 0\r\n\r\n", policy);
            assertEquals(Failure.PROTOCOL, e.failure(), field);
            assertTrue(e.getMessage().contains("malformed header field"), e.getMessage());
        }
    }

    @Test
    void acceptsExactlyMaxReplyLinesFieldsAndRefusesOneMore() throws Exception {
        TlsPolicy fewLines = policy.newBuilder().maxReplyLines(3).build();
        HttpReply three = reply("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 1\r\n\r\nx", fewLines);
        assertEquals(3, three.headers().size());

        TlsUpgradeException e = failure("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 1\r\n\r\nx",
                fewLines);
        assertEquals(Failure.LIMIT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("more than 3 header fields"), e.getMessage());
    }

    @Test
    void repeatedEqualContentLengthsAreOneLengthAndDifferentOnesAreAProtocolFailure() throws Exception {
        assertEquals("abcd", reply("HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\nContent-Length: 4\r\n\r\nabcd",
                policy).bodyText());
        // a first value of 0 conflicts as much as any other
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nContent-Length: 0, 4\r\n\r\nabcd", policy)
                .failure());
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nContent-Length: 4,\r\n\r\nabcd", policy)
                .failure());
    }

    @Test
    void aContentLengthOfEighteenDigitsIsReadAndNineteenIsMalformed() throws Exception {
        assertEquals("abc", reply("HTTP/1.1 200 OK\r\nContent-Length: 000000000000000003\r\n\r\nabc", policy)
                .bodyText());
        // 19 digits could overflow a long: refused as malformed, not taken for a huge body
        TlsUpgradeException e = failure("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\n", policy);
        assertEquals(Failure.PROTOCOL, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("malformed Content-Length"), e.getMessage());
    }

    @Test
    void aChunkSizeOfFifteenHexDigitsIsReadAndSixteenIsMalformed() throws Exception {
        assertEquals("0123456789", reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "00000000000000A\r\n0123456789\r\n0\r\n\r\n", policy).bodyText());
        TlsUpgradeException e = failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "000000000000000A\r\n0123456789\r\n0\r\n\r\n", policy);
        assertEquals(Failure.PROTOCOL, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("malformed chunk size"), e.getMessage());
    }

    @Test
    void anEmptyChunkSizeOrAChunkLongerThanItsSizeIsAProtocolFailure() throws Exception {
        assertEquals(Failure.PROTOCOL, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + ";ext\r\nabc\r\n0\r\n\r\n", policy).failure());
        TlsUpgradeException longer = failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabcd\r\n0\r\n\r\n", policy);
        assertEquals(Failure.PROTOCOL, longer.failure(), longer.toString());
        assertTrue(longer.getMessage().contains("chunk longer than its size 3"), longer.getMessage());
    }

    @Test
    void acceptsExactlyMaxReplyLinesTrailersAndRefusesOneMore() throws Exception {
        TlsPolicy fewLines = policy.newBuilder().maxReplyLines(3).build();
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n";
        assertEquals("abc", reply(chunked + "T1: a\r\nT2: b\r\nT3: c\r\n\r\n", fewLines).bodyText());
        TlsUpgradeException e = failure(chunked + "T1: a\r\nT2: b\r\nT3: c\r\nT4: d\r\n\r\n", fewLines);
        assertEquals(Failure.LIMIT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("endless trailer section"), e.getMessage());
    }

    @Test
    void chunkedAsTheFinalCodingOverridesContentLengthInAnyCase() throws Exception {
        assertEquals("abc", reply("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: identity\r\n"
                + "Transfer-Encoding:  CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n", policy).bodyText());
    }

    @Test
    void aBodyOfExactlyMaxMessageSizeIsReadWhateverItsFraming() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        String kilobyte = "x".repeat(1024);
        assertEquals(1024, reply("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n" + kilobyte, small).body().length);
        assertEquals(1024, reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + kilobyte.substring(512)
                + "\r\n200\r\n" + kilobyte.substring(512) + "\r\n0\r\n\r\n", small).body().length);
        assertEquals(1024, untilClose("HTTP/1.1 200 OK\r\n\r\n" + kilobyte, small).body().length);
    }

    @Test
    void aBodyUntilCloseLargerThanThePolicyAllowsIsALimit() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024).build();
        // past the limit in the bytes that came with the head, and only in a later read
        assertUntilCloseIsALimit(small, c -> c.send("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(1025)));
        assertUntilCloseIsALimit(small, c -> {
            c.send("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(1000));
            c.pause(Duration.ofMillis(100));
            c.send("y".repeat(25));
        });
    }

    private void assertUntilCloseIsALimit(TlsPolicy small, ScriptedServer.Script answer) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    answer.run(c);
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), small)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            assertEquals(Failure.LIMIT, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
            assertTrue(session.socket().isClosed());
        }
    }

    @Test
    void aBodyUntilCloseKeepsTheBytesThatCameWithTheHeadAndThoseThatCameLater() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\n\r\nfirst ");
                    c.pause(Duration.ofMillis(100));
                    c.send("second ");
                    c.pause(Duration.ofMillis(100));
                    c.send("third");
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertEquals("first second third", session.get("/").bodyText());
        }
    }

    @Test
    void closeClosesTheSocketAndARequestAfterItIsRefused() throws Exception {
        try (ScriptedServer server = answering(OK);
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertTrue(session.toString().contains(String.valueOf(server.port())), session.toString());
            assertTrue(session.toString().endsWith(", TLS}"), session.toString());
            session.close();
            assertTrue(session.socket().isClosed());
            assertThrows(IllegalStateException.class, () -> session.get("/"));
        }
    }

    @Test
    void aBodyUntilCloseThatNeverEndsTimesOut() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(500)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\n\r\n");
                    try {
                        c.drip("a slow body without end".repeat(10), Duration.ofMillis(20));
                    } catch (IOException e) {
                        // the client gave up
                    }
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), impatient)) {
            long start = System.nanoTime();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Failure.TIMEOUT, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("no complete response from server"), e.getMessage());
            assertTrue(millis < 2_500, "one deadline for the head and the body: " + millis + " ms");
            assertTrue(session.socket().isClosed());
        }
    }

    @Test
    void aBodyUntilCloseThatStopsIsBoundByTheDeadlineSetWhenTheRequestWentOut() throws Exception {
        // the head comes late and the body then stops: each read of the body waits only for what is left of the
        // response's deadline, not for the socket timeout the head's read left behind
        TlsPolicy patient = policy.newBuilder().readTimeout(Duration.ofMillis(2_000)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.pause(Duration.ofMillis(1_200));
                    c.send("HTTP/1.1 200 OK\r\n\r\npartial");
                    c.readUntilClosed();
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), patient)) {
            long start = System.nanoTime();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Failure.TIMEOUT, e.failure(), e.toString());
            assertTrue(millis < 2_800, "2 s for the whole response, head and body: " + millis + " ms");
            assertTrue(session.socket().isClosed());
        }
    }

    @Test
    void a204AndA304CarryNoBodyWhateverTheirFieldsSayAndTheConnectionGoesOn() throws Exception {
        try (ScriptedServer server = answering("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
                "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertEquals(0, session.get("/cached").body().length);
            assertEquals(0, session.get("/empty").body().length);
            assertEquals("fresh", session.get("/fresh").bodyText());
        }
    }

    @Test
    void aConnectionCloseFieldInAnyCaseEndsTheSessionForFurtherRequests() throws Exception {
        try (ScriptedServer server = answering("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n1",
                "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 1\r\n\r\n2");
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertEquals("1", session.get("/1").bodyText());
            assertEquals("2", session.get("/2").bodyText());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.get("/3"));
            assertTrue(e.getMessage().contains("closed the connection after its last response"), e.getMessage());
        }
    }

    @Test
    void aCodingAfterChunkedMeansTheBodyRunsUntilClose() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.startTls(certificate);
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                });
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            // RFC 9112 6.3 (4): not chunked last, so the bytes as sent, up to the close
            assertEquals("3\r\nabc\r\n0\r\n\r\n", session.get("/").bodyText());
            assertThrows(IllegalStateException.class, () -> session.get("/again"));
        }
    }
}
