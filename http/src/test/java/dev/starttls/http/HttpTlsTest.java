package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ConnectProxy;
import dev.starttls.testkit.HttpsTestServer;
import dev.starttls.testkit.ReceivedRequest;
import dev.starttls.testkit.ScriptedProxy;
import dev.starttls.testkit.TlsGreenMail;
import dev.starttls.testkit.TlsJetty;
import dev.starttls.testkit.TlsJettyExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTPS directly and through CONNECT tunnels, and other protocols through the same tunnels, against real servers. */
@Timeout(60)
class HttpTlsTest {
    @RegisterExtension
    static final TlsJettyExtension jetty = new TlsJettyExtension();

    @Test
    void getsOverImplicitTlsAndNegotiatesAlpnHttp11(TlsPolicy policy) throws Exception {
        try (HttpSession https = HttpTls.connectImplicit("localhost", jetty.httpsPort(), policy)) {
            HttpReply reply = https.get("/direct?x=1");
            assertEquals(200, reply.status());
            assertEquals("hello GET /direct?x=1\n", reply.bodyText());
            assertTrue(https.isTls());
            assertEquals(Optional.of("http/1.1"), https.handshake().orElseThrow().applicationProtocol());
            assertTrue(https.report().implicit());
        }
    }

    @Test
    void readsChunkedAndCountedBodiesOnOneConnection(TlsPolicy policy) throws Exception {
        try (HttpSession https = HttpTls.connectImplicit("localhost", jetty.httpsPort(), policy)) {
            HttpReply chunked = https.get("/chunked?n=4");
            assertEquals(Optional.of("chunked"), chunked.header("Transfer-Encoding"));
            assertEquals("chunk 0\nchunk 1\nchunk 2\nchunk 3\n", chunked.bodyText());
            HttpReply counted = https.get("/bytes?n=100000");
            assertEquals(100_000, counted.body().length);
            HttpReply head = https.send("HEAD", "/bytes?n=5000", Map.of(), null);
            assertEquals(0, head.body().length, "a HEAD response has no body, whatever its Content-Length says");
            assertEquals(404, https.get("/status?code=404").status());
        }
    }

    @Test
    void getsThroughJettysConnectProxyWithoutCredentials(TlsJetty servers) throws Exception {
        HttpProxy proxy = HttpProxy.of("127.0.0.1", servers.proxyPort());
        try (HttpSession https = HttpTls.connectThrough(proxy, "localhost", servers.httpsPort(),
                servers.clientPolicy())) {
            assertEquals("hello GET /tunnelled\n", https.get("/tunnelled").bodyText());
        }
        ReceivedRequest connect = last(servers.proxy().requests());
        assertEquals("CONNECT", connect.method());
        assertEquals("localhost:" + servers.httpsPort(), connect.target());
        assertEquals(Optional.of("localhost:" + servers.httpsPort()), connect.header("Host"));
        assertEquals(Optional.empty(), connect.header("Proxy-Authorization"));
        assertEquals(Optional.empty(), connect.header("Authorization"));
    }

    @Test
    void sendsProxyCredentialsToTheProxyAndNeverToTheOrigin() throws Exception {
        try (TlsJetty servers = TlsJetty.start("proxyuser", "proxy pass")) {
            HttpProxy proxy = HttpProxy.of("127.0.0.1", servers.proxyPort()).withBasicAuth("proxyuser", "proxy pass");
            try (HttpSession https = HttpTls.connectThrough(proxy, "localhost", servers.httpsPort(),
                    servers.clientPolicy())) {
                assertEquals(200, https.get("/with-auth").status());
            }
            assertEquals(Optional.of("Basic cHJveHl1c2VyOnByb3h5IHBhc3M="),
                    last(servers.proxy().requests()).header("Proxy-Authorization"));
            ReceivedRequest atOrigin = last(servers.https().requests());
            assertEquals(Optional.empty(), atOrigin.header("Proxy-Authorization"));
            assertEquals(Optional.empty(), atOrigin.header("Authorization"));
        }
    }

    @Test
    void verifiesTheTargetsCertificateNeverTheProxysName() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        TlsPolicy policy = ca.trustingPolicy();
        // the origin's certificate names localhost only; the proxy is reached as 127.0.0.1
        try (HttpsTestServer origin = HttpsTestServer.start(ca.issue("localhost"));
                ConnectProxy proxy = ConnectProxy.start()) {
            HttpProxy via = HttpProxy.of("127.0.0.1", proxy.port());
            try (HttpSession https = HttpTls.connectThrough(via, "localhost", origin.port(), policy)) {
                assertEquals("localhost", https.endpoint().host());
                assertEquals(200, https.get("/").status());
            }
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> HttpTls.connectThrough(via, "127.0.0.1", origin.port(), policy));
            assertEquals(Failure.CERTIFICATE, e.failure(), e.toString());
        }
    }

    @Test
    void ignoresContentLengthAndTransferEncodingOnTheProxysTwoHundred(TlsJetty servers) throws Exception {
        try (ScriptedProxy proxy = ScriptedProxy.relaying("Content-Length: 1000", "Transfer-Encoding: chunked")) {
            try (HttpSession https = HttpTls.connectThrough(HttpProxy.of("127.0.0.1", proxy.port()), "localhost",
                    servers.httpsPort(), servers.clientPolicy())) {
                assertEquals(200, https.get("/framed-proxy").status());
            }
        }
    }

    @Test
    void runsSmtpStartTlsThroughTheTunnelWithTheGreetingInTheProxysSegment() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start(); ScriptedProxy proxy = ScriptedProxy.relayingWithGreeting()) {
            mail.greenMail().setUser("alice@localhost", "alice", "secret");
            TunneledSocket tunnel = HttpTls.tunnel(HttpProxy.of("127.0.0.1", proxy.port()), "localhost",
                    mail.smtpPort(), mail.clientPolicy());
            assertTrue(tunnel.getInputStream().available() >= "220 ".length(),
                    "the greeting arrived with the proxy's 200 and was handed over");
            try (SmtpSession smtp = SmtpTls.upgrade(tunnel, "localhost", mail.clientPolicy())) {
                assertTrue(smtp.isTls());
                smtp.authPlain("alice", "secret");
                smtp.send("bob@localhost", List.of("alice@localhost"), "Subject: tunnelled\r\n\r\nHello\r\n");
            }
            assertEquals("tunnelled", mail.awaitMessages(1, Duration.ofSeconds(10))[0].getSubject());
            assertEquals(1, mail.handshakes().size());
        }
    }

    @Test
    void runsImapStartTlsThroughTheTunnelWithTheGreetingInTheProxysSegment() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start(); ScriptedProxy proxy = ScriptedProxy.relayingWithGreeting()) {
            mail.greenMail().setUser("alice@localhost", "alice", "secret");
            TunneledSocket tunnel = HttpTls.tunnel(HttpProxy.of("127.0.0.1", proxy.port()), "localhost",
                    mail.imapPort(), mail.clientPolicy());
            assertTrue(tunnel.getInputStream().available() >= "* OK".length(), "the greeting came with the 200");
            try (ImapSession imap = ImapTls.upgrade(tunnel, "localhost", mail.clientPolicy())) {
                assertTrue(imap.isTls());
                imap.login("alice", "secret");
                assertEquals(0, imap.select("INBOX"));
            }
        }
    }

    @Test
    void logsInOverImapsThroughJettysTunnel(TlsJetty servers) throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            mail.greenMail().setUser("alice@localhost", "alice", "secret");
            TunneledSocket tunnel = HttpTls.tunnel(HttpProxy.of("127.0.0.1", servers.proxyPort()), "localhost",
                    mail.imapsPort(), mail.clientPolicy());
            assertEquals("localhost", tunnel.targetHost());
            try (ImapSession imap = ImapTls.implicit(tunnel, "localhost", mail.clientPolicy())) {
                imap.login("alice", "secret");
                assertEquals(0, imap.select("INBOX"));
                assertTrue(imap.isTls());
            }
            assertEquals("localhost:" + mail.imapsPort(), last(servers.proxy().requests()).target());
        }
    }

    private static <T> T last(List<T> list) {
        assertFalse(list.isEmpty());
        return list.get(list.size() - 1);
    }
}
