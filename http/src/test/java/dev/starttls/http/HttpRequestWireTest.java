package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedProxy;
import dev.starttls.testkit.ScriptedServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What goes on the wire: the request line and fields a session writes (and the ones it refuses before writing), the
 * {@code CONNECT} request and its credentials, which proxy answers open a tunnel, and the RFC 2817 go-ahead.
 */
@Timeout(30)
class HttpRequestWireTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");
    private final TlsPolicy policy = ca.trustingPolicy();

    /** A TLS server that answers every request head with an empty 200 until the client closes. */
    private ScriptedServer answeringOk() {
        return ScriptedServer.start(c -> {
            c.startTls(certificate);
            while (!c.readHead().isEmpty()) {
                c.send(OK);
            }
        });
    }

    /**
     * A "proxy" that answers {@code CONNECT} with 200 and then is the target itself: TLS with a certificate the client
     * trusts, and an empty 200 to the one request made inside.
     */
    private ScriptedServer proxyThatIsTheTarget() {
        return ScriptedServer.start(c -> {
            c.readHead();
            c.send(ScriptedProxy.ESTABLISHED + "\r\n\r\n");
            c.startTls(certificate);
            c.readHead();
            c.send(OK);
            c.readUntilClosed();
        });
    }

    @Test
    void leavesTheDefaultPortOutOfHostButKeepsItInTheConnectTarget() throws Exception {
        try (ScriptedServer proxy = proxyThatIsTheTarget();
                HttpSession https = HttpTls.connectThrough(HttpProxy.of("127.0.0.1", proxy.port()), "localhost",
                        HttpTls.HTTPS_PORT, policy)) {
            assertEquals(200, https.get("/").status());
            // RFC 9112 3.2.3: CONNECT's authority-form always has the port; RFC 9110 7.2: Host omits the default one
            assertEquals(List.of("CONNECT localhost:443 HTTP/1.1", "Host: localhost:443", "",
                    "[TLS] GET / HTTP/1.1", "[TLS] Host: localhost", "[TLS] "), proxy.received());
        }
    }

    @Test
    void bracketsAnIpv6TargetInTheConnectRequestAndTheProxyInItsName() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.replying("HTTP/1.1 403 Forbidden")) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()), "::1", 8443, policy));
            assertEquals(Failure.CONNECT, e.failure());
            proxy.awaitScript(AWAIT);
            assertEquals(List.of("CONNECT [::1]:8443 HTTP/1.1", "Host: [::1]:8443", ""), proxy.received());
        }
        assertEquals("proxy [::1]:3128", HttpProxy.of("::1", 3128).toString());
    }

    @Test
    void sendsProxyAuthorizationOnlyWhenTheProxyHasCredentials() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.replying("HTTP/1.1 403 Forbidden")) {
            assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                    HttpProxy.of("127.0.0.1", proxy.port()).withBasicAuth("alice", "pässword: 1"), "localhost", 8443,
                    policy));
            proxy.awaitScript(AWAIT);
            // RFC 7617 2: user-pass is "user:password", UTF-8 here, then base64
            String basic = Base64.getEncoder().encodeToString("alice:pässword: 1".getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("CONNECT localhost:8443 HTTP/1.1", "Host: localhost:8443",
                    "Proxy-Authorization: Basic " + basic, ""), proxy.received());
        }
    }

    @Test
    void anyTwoHundredOpensTheTunnel() throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.replying("HTTP/1.1 204 Tunnel Ready");
                TunneledSocket tunnel = HttpTls.tunnel(HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443,
                        policy)) {
            assertEquals("localhost", tunnel.targetHost());
            assertEquals(8443, tunnel.targetPort());
        }
    }

    @Test
    void aRedirectOrA101IsNoTunnelAndTheMessageSaysWhy() throws Exception {
        for (String status : List.of("HTTP/1.1 300 Multiple Choices", "HTTP/1.1 399 Odd Redirect",
                "HTTP/1.1 101 Switching Protocols", "HTTP/1.1 407 Proxy Authentication Required")) {
            try (ScriptedProxy proxy = ScriptedProxy.replying(status)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> HttpTls.tunnel(
                        HttpProxy.of("127.0.0.1", proxy.port()), "localhost", 8443, policy));
                int code = Integer.parseInt(status.substring(9, 12));
                assertEquals(Failure.CONNECT, e.failure(), status);
                assertEquals(OptionalInt.of(code), e.replyCode());
                String why = code / 100 == 3 ? "redirects are never followed for CONNECT"
                        : code == 407 ? "it requires credentials: use HttpProxy.withBasicAuth"
                        : "only a 2xx opens a tunnel";
                assertTrue(e.getMessage().endsWith(why), e.getMessage());
            }
        }
    }

    @Test
    void writesEveryTokenCharacterInMethodsAndFieldNamesAndSpacesInValues() throws Exception {
        String method = "M0-9!#$%&'*+.^_`|~AZaz";
        String name = "X-09AZaz!~";
        try (ScriptedServer server = answeringOk();
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            assertEquals(200, session.send(method, "/t", Map.of(name, "a value\twith tab"), null).status());
            assertEquals(List.of("[TLS] " + method + " /t HTTP/1.1", "[TLS] Host: localhost:" + server.port(),
                    "[TLS] " + name + ": a value\twith tab", "[TLS] "), server.received());
        }
    }

    @Test
    void refusesCharactersJustOutsideTheTokenRangesBeforeWriting() throws Exception {
        try (ScriptedServer server = answeringOk();
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            for (String name : List.of("", "a/b", "a:b", "a@b", "a[b", "a{b", "a\"b", "a b", "a\u007fb", "é")) {
                assertThrows(IllegalArgumentException.class, () -> session.send("GET", "/", Map.of(name, "v"), null),
                        name);
                assertThrows(IllegalArgumentException.class, () -> session.send(name, "/", Map.of(), null), name);
            }
            for (String target : List.of("", "/a\tb", "/a\0b", "/a\rb", "/a\nb")) {
                assertThrows(IllegalArgumentException.class, () -> session.get(target), target);
            }
            // a target may not hold spaces, a field value may: each message says what its own rule is
            IllegalArgumentException inTarget = assertThrows(IllegalArgumentException.class, () -> session.get("/a b"));
            assertTrue(inTarget.getMessage().contains("CR, LF, NUL or spaces"), inTarget.getMessage());
            IllegalArgumentException inValue = assertThrows(IllegalArgumentException.class,
                    () -> session.send("GET", "/", Map.of("X", "a\0b"), null));
            assertTrue(inValue.getMessage().contains("CR, LF, NUL (index 1)"), inValue.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> session.send("GET", "/", Map.of("transfer-encoding", "chunked"), null));
            assertEquals(200, session.get("/after").status());
            assertEquals(List.of("[TLS] GET /after HTTP/1.1", "[TLS] Host: localhost:" + server.port(), "[TLS] "),
                    server.received(), "nothing was written by the refused requests");
        }
    }

    @Test
    void aCallersHostFieldReplacesTheSessionsAndAnEmptyBodyIsCounted() throws Exception {
        try (ScriptedServer server = answeringOk();
                HttpSession session = HttpTls.connectImplicit("localhost", server.port(), policy)) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("host", "virtual.example");
            assertEquals(200, session.send("POST", "/empty", fields, new byte[0]).status());
            assertEquals(List.of("[TLS] POST /empty HTTP/1.1", "[TLS] host: virtual.example",
                    "[TLS] Content-Length: 0", "[TLS] "), server.received());
        }
    }

    @Test
    void refusesHostsWithControlsUrlPartsOrUserinfoAndPortsOutsideTheRangeButTakesItsEnds() {
        // each refused with a message that names what is wrong with it
        Map<String, String> refused = Map.of("local\u007fhost", "control characters", "local\thost",
                "control characters", "local host", "spaces", "localhost?x", "not a URL", "localhost#x", "not a URL",
                "localhost/x", "not a URL", "user@localhost", "userinfo");
        refused.forEach((host, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpProxy.of(host, 3128),
                    host);
            assertTrue(e.getMessage().contains(why), e.getMessage());
        });
        assertEquals(1, HttpProxy.of("127.0.0.1", 1).port());
        assertEquals(65535, HttpProxy.of("127.0.0.1", 65535).port());
        assertThrows(IllegalArgumentException.class, () -> HttpProxy.of("127.0.0.1", 0));
        assertThrows(IllegalArgumentException.class, () -> HttpProxy.of("127.0.0.1", 65536));
        HttpProxy proxy = HttpProxy.of("127.0.0.1", 1);
        assertThrows(IllegalArgumentException.class, () -> proxy.withBasicAuth("a\u0085", "p"));
        assertThrows(IllegalArgumentException.class, () -> proxy.withBasicAuth(":alice", "p"));
        assertEquals("alice", proxy.withBasicAuth("alice", "p:with:colons").user().orElseThrow());
    }

    @Test
    void theFirstProtocolInThe101sUpgradeFieldDecidesInAnyCase() throws Exception {
        for (String upgrade : List.of("Upgrade: HTTP/2.0, TLS/1.0", "X-Upgrade: TLS/1.0", "Upgrade: TLS/2.0")) {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                        c.readHead();
                        c.send("HTTP/1.1 101 Switching Protocols\r\n" + upgrade + "\r\nConnection: Upgrade\r\n\r\n");
                        c.readUntilClosed();
                    });
                    Socket socket = new Socket("localhost", server.port())) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                        () -> HttpTls.upgrade(socket, "localhost", policy), upgrade);
                assertEquals(Failure.STARTTLS_REFUSED, e.failure(), upgrade);
                assertTrue(e.reply().orElseThrow().contains(upgrade), e.reply().toString());
                assertTrue(e.getMessage().contains("did not give its go-ahead to Upgrade: TLS/1.0"), e.getMessage());
                assertTrue(socket.isClosed());
            }
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade:  tls/1.2 , HTTP/1.1\r\n\r\n");
                    c.startTls(certificate);
                    c.readUntilClosed();
                });
                HttpSession session = HttpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(session.isTls());
            assertFalse(session.report().implicit());
        }
    }
}
