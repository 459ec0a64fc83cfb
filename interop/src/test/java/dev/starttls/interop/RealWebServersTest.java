package dev.starttls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.http.HttpProxy;
import dev.starttls.http.HttpReply;
import dev.starttls.http.HttpSession;
import dev.starttls.http.HttpTls;
import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Session;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against real nginx (HTTPS and three bad-certificate ports), squid and tinyproxy (CONNECT proxies fenced to
 * 127.0.0.0/8) and CUPS (RFC 2817), started by {@code interop/web-servers}, and Postfix and Dovecot from
 * {@code interop/mail-servers} reached through each proxy: under TLS 1.3 and TLS 1.2, every tunnel verifies the
 * target, never the proxy.
 */
@Tag("interop")
@Timeout(60)
class RealWebServersTest {
    @RegisterExtension
    static final RealServers web = new RealServers("web-servers", "nginx/squid/tinyproxy/CUPS");
    @RegisterExtension
    static final RealServers mail = new RealServers("mail-servers", "Postfix/Dovecot");

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void getsThePageFromNginxOverHttps(String protocol) throws Exception {
        try (HttpSession https = HttpTls.connectImplicit("localhost", web.port("https"), web.policy(protocol))) {
            assertPage(https.get(web.value("page")));
            Handshake handshake = https.handshake().orElseThrow();
            assertEquals(protocol, handshake.protocol());
            assertEquals(Optional.of(HttpTls.ALPN_HTTP_1_1), handshake.applicationProtocol());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"https-wrong-host, TLSv1.3", "https-wrong-host, TLSv1.2", "https-expired, TLSv1.3",
        "https-expired, TLSv1.2", "https-self-signed, TLSv1.3", "https-self-signed, TLSv1.2"})
    void refusesNginxWithABadCertificateAndClosesTheSocket(String port, String protocol) throws Exception {
        web.assertCertificateRefused(port, protocol, HttpTls::implicit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"squid, TLSv1.3", "squid, TLSv1.2", "tinyproxy, TLSv1.3", "tinyproxy, TLSv1.2"})
    void getsThePageThroughEachProxy(String proxy, String protocol) throws Exception {
        try (HttpSession https = HttpTls.connectThrough(proxy(proxy), "localhost", web.port("https"),
                web.policy(protocol))) {
            assertPage(https.get(web.value("page")));
            assertEquals(protocol, https.handshake().orElseThrow().protocol());
            assertLocalhostCertificate(https.handshake().orElseThrow());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"squid, TLSv1.3", "squid, TLSv1.2", "tinyproxy, TLSv1.3", "tinyproxy, TLSv1.2"})
    void submitsToPostfixWithStartTlsThroughEachProxy(String proxy, String protocol) throws Exception {
        TlsPolicy policy = mail.policy(protocol);
        TunneledSocket tunnel = HttpTls.tunnel(proxy(proxy), "localhost", mail.port("smtp-submission"), policy);
        try (SmtpSession smtp = SmtpTls.upgrade(tunnel, "localhost", policy)) {
            assertEquals(protocol, smtp.handshake().orElseThrow().protocol());
            assertLocalhostCertificate(smtp.handshake().orElseThrow());
            smtp.authPlain(mail.value("user"), mail.value("password"));
            smtp.send(mail.value("address"), List.of(mail.value("address")),
                    "Subject: through " + proxy + "\r\n\r\nsent through " + proxy + "\r\n");
            smtp.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squid", "tinyproxy"})
    void submitsToPostfixWithImplicitTlsThroughEachProxy(String proxy) throws Exception {
        TlsPolicy policy = mail.policy("TLSv1.3");
        TunneledSocket tunnel = HttpTls.tunnel(proxy(proxy), "localhost", mail.port("smtp-submissions"), policy);
        try (SmtpSession smtp = SmtpTls.implicit(tunnel, "localhost", policy)) {
            smtp.authPlain(mail.value("user"), mail.value("password"));
            smtp.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squid", "tinyproxy"})
    void logsInToDovecotWithImapAndPop3StartTlsThroughEachProxy(String proxy) throws Exception {
        TlsPolicy policy = mail.policy("TLSv1.3");
        TunneledSocket imapTunnel = HttpTls.tunnel(proxy(proxy), "localhost", mail.port("imap"), policy);
        try (ImapSession imap = ImapTls.upgrade(imapTunnel, "localhost", policy)) {
            assertLocalhostCertificate(imap.handshake().orElseThrow());
            imap.login(mail.value("user"), mail.value("password"));
            assertTrue(imap.select("INBOX") >= 0);
            imap.logout();
        }
        TunneledSocket pop3Tunnel = HttpTls.tunnel(proxy(proxy), "localhost", mail.port("pop3"), policy);
        try (Pop3Session pop3 = Pop3Tls.upgrade(pop3Tunnel, "localhost", policy)) {
            assertLocalhostCertificate(pop3.handshake().orElseThrow());
            pop3.login(mail.value("user"), mail.value("password"));
            assertTrue(pop3.stat().messages() >= 0);
            pop3.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squid", "tinyproxy"})
    void eachProxyRefusesATargetOutsideLoopback(String proxy) throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): a literal, so nothing is resolved, and the proxy refuses before connecting
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> HttpTls.tunnel(proxy(proxy), "192.0.2.1", 443, web.policy("TLSv1.3")));
        assertEquals(Failure.CONNECT, e.failure(), e.getMessage());
        assertEquals(403, e.replyCode().orElseThrow(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void upgradesCupsWithRfc2817AndSendsARequestInsideTls(String protocol) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), web.port("cups"));
        try (HttpSession cups = HttpTls.upgrade(socket, "localhost", web.policy(protocol))) {
            assertEquals(protocol, cups.handshake().orElseThrow().protocol());
            assertLocalhostCertificate(cups.handshake().orElseThrow());
            HttpReply reply = cups.get("/");
            assertEquals(200, reply.status(), reply.toString());
            assertTrue(reply.header("Server").orElseThrow().startsWith("CUPS/"), reply.toString());
        }
    }

    private static HttpProxy proxy(String name) {
        return HttpProxy.of("127.0.0.1", web.port(name));
    }

    private static void assertPage(HttpReply reply) {
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("starttls-java interop page " + web.value("token") + "\n", reply.bodyText());
    }

    /** The target's certificate (issued for localhost by the throwaway CA), not anything of the proxy's. */
    private static void assertLocalhostCertificate(Handshake handshake) {
        X509Certificate leaf = handshake.peerCertificates().get(0);
        assertEquals("CN=localhost", leaf.getSubjectX500Principal().getName());
    }
}
