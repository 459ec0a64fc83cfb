package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.Rfc2817Server;
import dev.starttls.testkit.ScriptedServer;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The RFC 2817 opt-in: 101 then TLS, and nothing more sent to a server that does not switch. */
@Timeout(30)
class Rfc2817UpgradeTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost", "127.0.0.1");
    private final TlsPolicy policy = ca.trustingPolicy();

    @Test
    void upgradesAfter101AndSpeaksHttpInsideTls() throws Exception {
        try (Rfc2817Server server = Rfc2817Server.upgrading(certificate);
                HttpSession session = HttpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(session.isTls());
            assertFalse(session.report().implicit());
            HttpReply reply = session.get("/inside");
            assertEquals(200, reply.status());
            assertEquals(Rfc2817Server.BODY, reply.bodyText());
            assertEquals(List.of("OPTIONS * HTTP/1.1", "Host: localhost:" + server.port(), "Upgrade: TLS/1.0",
                    "Connection: Upgrade", ""), server.received().subList(0, 5));
            assertEquals("[TLS] GET /inside HTTP/1.1", server.received().get(5));
        }
    }

    @Test
    void aServerThatIgnoresTheUpgradeFailsAndHearsNothingMore() throws Exception {
        try (Rfc2817Server server = Rfc2817Server.ignoringUpgrade();
                Socket socket = new Socket("localhost", server.port())) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> HttpTls.upgrade(socket, "localhost", policy));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure(), e.toString());
            assertEquals(OptionalInt.of(200), e.replyCode());
            assertTrue(socket.isClosed());
            server.awaitScript(AWAIT); // it read until the client closed
            assertEquals(List.of("OPTIONS * HTTP/1.1", "Host: localhost:" + server.port(), "Upgrade: TLS/1.0",
                    "Connection: Upgrade", ""), server.received(), "not one byte after the upgrade request");
        }
    }

    @Test
    void anOpportunisticPolicyStillNeverFallsBackToPlaintextHttp() throws Exception {
        TlsPolicy opportunistic = policy.newBuilder().opportunistic(true).build();
        try (Rfc2817Server server = Rfc2817Server.ignoringUpgrade();
                Socket socket = new Socket("localhost", server.port())) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> HttpTls.upgrade(socket, "localhost", opportunistic));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertTrue(socket.isClosed());
            server.awaitScript(AWAIT);
            assertEquals(5, server.received().size());
        }
    }

    @Test
    void a101ToAnotherProtocolIsNoGoAhead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
                    c.readUntilClosed();
                });
                Socket socket = new Socket("localhost", server.port())) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> HttpTls.upgrade(socket, "localhost", policy));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertEquals(OptionalInt.of(101), e.replyCode());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void bytesAfterThe101AreAnInjection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: TLS/1.0\r\nConnection: Upgrade\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                    c.readUntilClosed();
                });
                Socket socket = new Socket("localhost", server.port())) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> HttpTls.upgrade(socket, "localhost", policy));
            assertEquals(Failure.INJECTION, e.failure());
            assertTrue(socket.isClosed());
        }
    }
}
