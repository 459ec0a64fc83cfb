package dev.starttls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.internal.HostNames;
import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bytes read through a buffer are handed over (a proxy's reply and the tunnelled greeting in one segment), and the two
 * wrong-mode mistakes (STARTTLS to an implicit-TLS port, implicit TLS to a plaintext port) say what probably happened.
 */
class TunnelHandOverAndWrongModeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate mailCertificate = ca.issue("mail.example.test");

    /** Sends a CONNECT, reads the proxy's reply head through a LineReader, and hands the rest over. */
    private static TunneledSocket tunnel(int proxyPort, String target, int targetPort) throws Exception {
        Socket proxy = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        proxy.getOutputStream().write(("CONNECT " + target + ":" + targetPort + " HTTP/1.1\r\nHost: " + target + ":"
                + targetPort + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        LineReader reader = LineReader.of(proxy, 8192);
        Deadline deadline = Deadline.after(WAIT);
        assertEquals("HTTP/1.1 200 Connection established", reader.readLine(deadline));
        while (!reader.readLine(deadline).isEmpty()) {
            // headers of the 2xx are ignored (RFC 9110 9.3.6)
        }
        return TunneledSocket.over(proxy, target, targetPort, reader.takeBuffered());
    }

    @Test
    void aGreetingInTheSameSegmentAsTheProxysReplyReachesTheSmtpDialogue() throws Exception {
        try (ScriptedServer proxyAndServer = ScriptedServer.start(c -> {
            c.readLine(); // CONNECT
            c.readLine(); // Host
            c.readLine(); // blank
            // one write: the proxy's 200 and the tunnelled server's greeting
            c.send("HTTP/1.1 200 Connection established\r\n\r\n220 mail.example.test ESMTP\r\n");
            c.readLine(); // EHLO
            c.send("250-mail.example.test\r\n250 STARTTLS\r\n");
            c.readLine(); // STARTTLS
            c.sendLine("220 go ahead");
            c.startTls(mailCertificate);
            c.readLine(); // EHLO inside TLS
            c.send("250-mail.example.test\r\n250 AUTH PLAIN\r\n");
            c.readUntilClosed();
        })) {
            TunneledSocket tunnel = tunnel(proxyAndServer.port(), "mail.example.test", 587);
            // the one-argument upgrade would verify this name: the target, never the proxy
            assertEquals("mail.example.test", HostNames.connectedHost(tunnel));
            try (SmtpSession smtp = SmtpTls.upgrade(tunnel, "mail.example.test", ca.trustingPolicy())) {
                assertTrue(smtp.isTls());
                assertEquals(mailCertificate.certificate(), smtp.handshake().orElseThrow().peerCertificates().get(0));
                assertEquals(587, smtp.endpoint().port());
            }
        }
    }

    @Test
    void bytesBufferedAfterTheGoAheadInATunnelAreStillAnInjection() throws Exception {
        try (ScriptedServer proxyAndServer = ScriptedServer.start(c -> {
            c.readLine();
            c.readLine();
            c.readLine();
            c.send("HTTP/1.1 200 Connection established\r\n\r\n220 mail.example.test ESMTP\r\n");
            c.readLine();
            c.send("250-mail.example.test\r\n250 STARTTLS\r\n");
            c.readLine();
            c.send("220 go ahead\r\n250 injected\r\n");
            c.readUntilClosed();
        })) {
            TunneledSocket tunnel = tunnel(proxyAndServer.port(), "mail.example.test", 587);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.upgrade(tunnel, "mail.example.test", ca.trustingPolicy()));
            assertEquals(Failure.INJECTION, e.failure(), e.toString());
            assertTrue(tunnel.isClosed() && tunnel.proxyConnection().isClosed());
        }
    }

    @Test
    void imapsThroughATunnelUsesImplicitTlsOnTheSocketWeHave() throws Exception {
        try (ScriptedServer proxyAndServer = ScriptedServer.start(c -> {
            c.readLine();
            c.readLine();
            c.readLine();
            c.send("HTTP/1.1 200 Connection established\r\n\r\n");
            c.startTls(mailCertificate);
            c.sendLine("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready");
            String tag = c.readLine().split(" ")[0]; // CAPABILITY
            c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n");
            c.readUntilClosed();
        })) {
            TunneledSocket tunnel = tunnel(proxyAndServer.port(), "mail.example.test", 993);
            try (ImapSession imap = ImapTls.implicit(tunnel, "mail.example.test", ca.trustingPolicy())) {
                assertTrue(imap.isTls());
                assertTrue(imap.report().implicit());
                assertTrue(imap.hasCapability("AUTH=PLAIN"), imap.capabilities().toString());
            }
        }
    }

    @Test
    void startTlsToASilentImplicitTlsPortSuggestsConnectImplicit() throws Exception {
        TlsPolicy quick = ca.trustingPolicy().newBuilder().readTimeout(Duration.ofMillis(300)).build();
        try (ScriptedServer implicitPort = ScriptedServer.start(c -> c.readUntilClosed())) { // waits for a ClientHello
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), implicitPort.port());
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.upgrade(socket, "localhost", quick));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertTrue(e.getMessage().contains("implicit-TLS port") && e.getMessage().contains("465")
                    && e.getMessage().contains("connectImplicit"), e.getMessage());
            // the host as the caller wrote it, not a resolved address
            assertTrue(e.getMessage().startsWith("no complete reply from localhost:" + implicitPort.port()),
                    e.getMessage());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void implicitTlsToAPlaintextPortNamesWhatTheServerSaidInClear() throws Exception {
        try (ScriptedServer plaintextPort = ScriptedServer.start(c -> {
            c.sendLine("220 plain.example ESMTP Postfix");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.connectImplicit("localhost", plaintextPort.port(), ca.trustingPolicy()));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("'220 plain.example ESMTP Postfix' in clear")
                    && e.getMessage().contains("STARTTLS"), e.getMessage());
        }
    }
}
