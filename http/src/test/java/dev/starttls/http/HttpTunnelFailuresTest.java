package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedProxy;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.TlsJetty;
import dev.starttls.testkit.TlsJettyExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxies that will not, or only pretend to, open a tunnel: every one a typed failure with the connection closed and
 * nothing more sent.
 */
@Timeout(30)
class HttpTunnelFailuresTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final TlsJettyExtension jetty = new TlsJettyExtension();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 407 Proxy Authentication Required | Proxy-Authenticate: Basic realm=\"corp\" | 407",
        "HTTP/1.1 403 Forbidden                      | X-Reason: policy                          | 403",
        "HTTP/1.1 502 Bad Gateway                    | X-Reason: upstream down                   | 502",
        "HTTP/1.1 302 Found                          | Location: http://portal.invalid/login      | 302",
    })
    void nonTwoHundredIsAConnectFailureWithItsStatusAndNothingMoreIsSent(String status, String field, int code)
            throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.replying(status, field)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, jetty.clientPolicy()));
            assertEquals(Failure.CONNECT, e.failure(), e.toString());
            assertEquals(OptionalInt.of(code), e.replyCode());
            assertTrue(e.reply().orElseThrow().contains(field), e.reply().toString());
            assertTrue(e.getMessage().contains(status), e.getMessage());
            if (code == 407 || code == 302) { // the challenge and the ignored redirect are named in the message
                assertTrue(e.getMessage().contains(field.substring(field.indexOf(' ') + 1)), e.getMessage());
            }
            proxy.awaitScript(AWAIT); // the proxy read until the client closed
            assertEquals(List.of("CONNECT localhost:8443 HTTP/1.1", "Host: localhost:8443", ""), proxy.received(),
                    "nothing after the request: a redirect is not followed, a 407 is not retried");
        }
    }

    @Test
    void jettyAsks407WithItsRealmWhenNoCredentialsAreGiven() throws Exception {
        try (TlsJetty guarded = TlsJetty.start("u", "p")) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", guarded.proxyPort()), "localhost", guarded.httpsPort(),
                    guarded.clientPolicy()));
            assertEquals(Failure.CONNECT, e.failure());
            assertEquals(OptionalInt.of(407), e.replyCode());
            assertTrue(e.getMessage().contains("realm=\"" + TlsJetty.PROXY_REALM + "\""), e.getMessage());
            assertTrue(e.getMessage().contains("HttpProxy.withBasicAuth"), e.getMessage());

            TlsUpgradeException wrong = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", guarded.proxyPort()).withBasicAuth("u", "wrong"), "localhost",
                    guarded.httpsPort(), guarded.clientPolicy()));
            assertEquals(OptionalInt.of(407), wrong.replyCode());
            assertTrue(wrong.getMessage().contains("refused the credentials of u"), wrong.getMessage());
        }
    }

    @Test
    void jettyRefusesTargetsBeyondLoopbackWith403AndUnreachableOnesWith502() throws Exception {
        HttpProxy proxy = HttpProxy.of("127.0.0.1", jetty.proxyPort());
        TlsUpgradeException forbidden = assertThrows(TlsUpgradeException.class,
                () -> HttpTls.tunnel(proxy, "example.invalid", 443, jetty.clientPolicy()));
        assertEquals(OptionalInt.of(403), forbidden.replyCode());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        TlsUpgradeException unreachable = assertThrows(TlsUpgradeException.class,
                () -> HttpTls.tunnel(proxy, "127.0.0.1", closedPort, jetty.clientPolicy()));
        assertEquals(Failure.CONNECT, unreachable.failure());
        assertEquals(OptionalInt.of(502), unreachable.replyCode());
    }

    @Test
    void plaintextHttpAfterTheTwoHundredFailsTheHandshake() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.plaintextAfterEstablished()) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.connectThrough(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", jetty.httpsPort(), jetty.clientPolicy()));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("the proxy answered itself"), e.getMessage());
            proxy.awaitScript(AWAIT);
        }
    }

    @Test
    void aProxyTerminatingTlsWithItsOwnCertificateIsRefused() throws Exception {
        // an intercepting proxy: a certificate for the right name, from a CA the client does not trust
        try (ScriptedProxy proxy = ScriptedProxy.terminatingTls(CertificateAuthority.create().issue("localhost"))) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.connectThrough(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", jetty.httpsPort(), jetty.clientPolicy()));
            assertEquals(Failure.CERTIFICATE, e.failure(), e.toString());
            proxy.awaitScript(AWAIT);
        }
    }

    @Test
    void anEndlessHeaderBlockHitsTheReplyLimit() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.endlessHeaders()) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, jetty.clientPolicy()));
            assertEquals(Failure.LIMIT, e.failure(), e.toString());
            proxy.awaitScript(AWAIT);
        }
    }

    @Test
    void aDrippingProxyTimesOutUnderOneReplyDeadline() throws Exception {
        // each byte arrives well within the read timeout; the whole reply does not
        TlsPolicy policy = jetty.clientPolicy().newBuilder().readTimeout(Duration.ofMillis(600)).build();
        try (ScriptedProxy proxy = ScriptedProxy.dripping(Duration.ofMillis(60))) {
            long start = System.nanoTime();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, policy));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Failure.TIMEOUT, e.failure(), e.toString());
            assertTrue(e.getMessage().startsWith("CONNECT localhost:8443 through proxy 127.0.0.1:"), e.getMessage());
            assertTrue(millis < 1_800, "one deadline for the whole reply, not one per byte: " + millis + " ms");
            proxy.awaitScript(AWAIT); // its next byte hit a closed connection
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsAProtocolFailure() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.replying("SSH-2.0-OpenSSH_9.6")) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, jetty.clientPolicy()));
            assertEquals(Failure.PROTOCOL, e.failure(), e.toString());
            proxy.awaitScript(AWAIT);
        }
    }

    // ---- the StartTlsContract cases that apply to a tunnel (it has no upgrade command to strip, refuse or inject
    // after: what is left is the proxy's reply, silence, early close, and the target's certificate) ----

    @Test
    void aSilentProxyTimesOut() throws Exception {
        TlsPolicy quick = jetty.clientPolicy().newBuilder().readTimeout(Duration.ofMillis(600)).build();
        try (ScriptedServer proxy = ScriptedServer.start(c -> {
            c.readHead();
            c.readUntilClosed();
        })) {
            assertTunnelFails(proxy, quick, Failure.TIMEOUT);
        }
    }

    @Test
    void aProxyClosingBeforeItAnswersIsClosed() throws Exception {
        try (ScriptedServer proxy = ScriptedServer.start(ScriptedServer.Conversation::readHead)) {
            assertTunnelFails(proxy, jetty.clientPolicy(), Failure.CLOSED);
        }
    }

    @Test
    void anOverlongStatusLineIsLimit() throws Exception {
        try (ScriptedServer proxy = ScriptedServer.start(c -> {
            c.readHead();
            c.send("HTTP/1.1 200 " + "x".repeat(jetty.clientPolicy().maxLineLength() + 10) + "\r\n\r\n");
            c.readUntilClosed();
        })) {
            assertTunnelFails(proxy, jetty.clientPolicy(), Failure.LIMIT);
        }
    }

    @Test
    void theTargetsExpiredCertificateIsRefusedThroughAnHonestProxy() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        try (ScriptedServer target = ScriptedServer.start(c -> {
                    c.startTls(ca.leaf().names("localhost").expired().build());
                    c.readUntilClosed();
                });
                ScriptedProxy proxy = ScriptedProxy.relaying()) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.connectThrough(
                    HttpProxy.of("127.0.0.1", proxy.port()), "localhost", target.port(), ca.trustingPolicy()));
            assertEquals(Failure.CERTIFICATE, e.failure(), e.toString());
        }
    }

    /** Opens a tunnel through {@code proxy}, expects {@code kind}, and waits for the proxy to see the close. */
    private static void assertTunnelFails(ScriptedServer proxy, TlsPolicy policy, Failure kind) {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> HttpTls.tunnel(HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, policy));
        assertEquals(kind, e.failure(), e.toString());
        proxy.awaitScript(AWAIT); // its script ended: the client closed the connection
        assertEquals("CONNECT localhost:8443 HTTP/1.1", proxy.received().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost\r\nX-Injected: 1", "local host", "evil@localhost", "user:pw@localhost",
        "localhost/path", "localhost\n", ""})
    void rejectsAMalformedTargetBeforeConnecting(String target) throws Exception {
        try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThrows(IllegalArgumentException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.getLocalPort()), target, 443, jetty.clientPolicy()));
            proxy.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, proxy::accept, "no connection was made");
        }
    }

    @Test
    void rejectsABadPortAndBadProxyCredentials() {
        HttpProxy proxy = HttpProxy.of("127.0.0.1", 3128);
        assertThrows(IllegalArgumentException.class, () -> HttpTls.tunnel(proxy, "localhost", 0, TlsPolicy.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> HttpTls.tunnel(proxy, "localhost", 65536, TlsPolicy.defaults()));
        assertThrows(IllegalArgumentException.class, () -> proxy.withBasicAuth("a:b", "c"));
        assertThrows(IllegalArgumentException.class, () -> proxy.withBasicAuth("a", "c\r\n"));
        assertEquals("proxy 127.0.0.1:3128 as a", proxy.withBasicAuth("a", "secret").toString());
    }
}
