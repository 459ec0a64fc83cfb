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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Framing, limits and deadlines of responses read by {@link HttpSession}, against scripted TLS servers. */
@Timeout(30)
class HttpSessionTest {
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    /** A TLS server that reads one request head and answers {@code response}, then waits for the client to close. */
    private ScriptedServer answering(String response) {
        return ScriptedServer.start(c -> {
            c.startTls(certificate);
            c.readHead();
            c.send(response);
            c.readUntilClosed();
        });
    }

    private TlsUpgradeException failure(String response, TlsPolicy clientPolicy) throws Exception {
        try (ScriptedServer server = answering(response);
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), clientPolicy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.get("/"));
            assertTrue(session.socket().isClosed(), "a failure closes the session");
            return e;
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
}
