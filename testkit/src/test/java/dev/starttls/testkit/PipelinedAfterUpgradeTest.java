package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import dev.starttls.spi.NumericReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server side of CVE-2011-0411 (Postfix, and the study's "command injection" on servers): a client, or an attacker
 * in front of it, pipelines commands in plaintext right after the upgrade command; a server must never execute them,
 * neither before the switch nor inside TLS. One case per test-kit server: the POP3 and IMAP fronts of
 * {@link TlsGreenMail}, {@link TlsFtpServer} (Apache FtpServer) and {@link Rfc2817Server}. {@code Upgrader.acceptUpgrade}
 * itself is {@code UpgraderTest.theServerSideDiscardsCommandsPipelinedAfterTheUpgradeCommand}, the SMTP front
 * {@code SmtpTlsTest.theStartTlsFrontNeverExecutesCommandsPipelinedBeforeTheSwitch}.
 *
 * <p>Each case writes the upgrade command and the pipelined commands in one write (one segment on loopback, so they
 * are in the server's buffer when it switches), upgrades, and then shows with the server's own state that nothing
 * pipelined ran: a message still there, a file not deleted, a request not answered.
 */
@Timeout(60)
class PipelinedAfterUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void thePop3FrontNeverExecutesADelePipelinedAfterStls() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            mail.greenMail().setUser("alice@localhost", "alice", "pw");
            deliverOneMessage(mail);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mail.pop3Port())) {
                LineReader plain = LineReader.of(socket, 1024);
                assertTrue(readLine(plain).startsWith("+OK"), "greeting");
                write(socket, "STLS\r\nUSER alice\r\nPASS pw\r\nDELE 1\r\nQUIT\r\n");
                assertTrue(readLine(plain).startsWith("+OK"), "go-ahead");
                LineReader tls = upgrade(plain, mail.clientPolicy(), mail.pop3Port());
                write(tls.socket(), "STAT\r\n");
                assertTrue(readLine(tls).startsWith("-ERR"),
                        "STAT inside TLS is refused before a login: the pipelined USER and PASS never ran");
                write(tls.socket(), "QUIT\r\n");
                assertTrue(readLine(tls).startsWith("+OK"));
            }
            assertEquals(1, mail.greenMail().getReceivedMessages().length, "the pipelined DELE never ran");
        }
    }

    @Test
    void theImapFrontNeverExecutesCommandsPipelinedAfterStartTls() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            mail.greenMail().setUser("alice@localhost", "alice", "pw");
            deliverOneMessage(mail);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mail.imapPort())) {
                LineReader plain = LineReader.of(socket, 1024);
                assertTrue(readLine(plain).startsWith("* OK"), "greeting");
                write(socket, "a1 STARTTLS\r\na2 LOGIN alice pw\r\na3 SELECT INBOX\r\n"
                        + "a4 STORE 1 +FLAGS (\\Deleted)\r\na5 EXPUNGE\r\n");
                assertTrue(readLine(plain).startsWith("a1 OK"), "go-ahead");
                LineReader tls = upgrade(plain, mail.clientPolicy(), mail.imapPort());
                write(tls.socket(), "b1 SELECT INBOX\r\n");
                List<String> answer = readUntilTagged(tls, "b1");
                assertFalse(answer.stream().anyMatch(l -> l.matches("a[2-5] .*")),
                        "no answer to a pipelined command: " + answer);
                assertTrue(answer.get(answer.size() - 1).matches("b1 (NO|BAD) .*"),
                        "SELECT is refused before a login: the pipelined LOGIN never ran: " + answer);
                write(tls.socket(), "b2 LOGOUT\r\n");
                readUntilTagged(tls, "b2");
            }
            assertEquals(1, mail.greenMail().getReceivedMessages().length, "the pipelined EXPUNGE never ran");
        }
    }

    @Test
    void theFtpsServerNeverExecutesADelePipelinedAfterAuthTls() throws Exception {
        try (TlsFtpServer server = TlsFtpServer.start()) {
            Path victim = Files.writeString(server.home().resolve("victim.txt"), "keep me");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.explicitPort())) {
                LineReader plain = LineReader.of(socket, 1024);
                assertEquals(220, NumericReply.read(plain, Deadline.after(WAIT), 20).code());
                write(socket, "AUTH TLS\r\nUSER " + server.userName() + "\r\nPASS " + server.password()
                        + "\r\nDELE victim.txt\r\n");
                assertEquals(234, NumericReply.read(plain, Deadline.after(WAIT), 20).code());
                LineReader tls = upgrade(plain, server.clientPolicy(), server.explicitPort());
                write(tls.socket(), "PBSZ 0\r\n");
                assertEquals(200, NumericReply.read(tls, Deadline.after(WAIT), 20).code(),
                        "the first answer inside TLS is PBSZ's, not the pipelined USER's 331");
                write(tls.socket(), "QUIT\r\n");
                assertEquals(221, NumericReply.read(tls, Deadline.after(WAIT), 20).code());
            }
            assertTrue(Files.exists(victim), "the pipelined DELE never ran");
        }
    }

    @Test
    void theRfc2817ServerNeverAnswersARequestPipelinedAfterTheUpgrade() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        try (Rfc2817Server server = Rfc2817Server.upgrading(ca.issue("localhost"))) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                LineReader plain = LineReader.of(socket, 1024);
                write(socket, "OPTIONS * HTTP/1.1\r\nHost: localhost\r\nUpgrade: TLS/1.0\r\nConnection: Upgrade\r\n\r\n"
                        + "GET /pipelined HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(readLine(plain).startsWith("HTTP/1.1 101 "));
                while (!readLine(plain).isEmpty()) {
                    // the 101's fields
                }
                LineReader tls = upgrade(plain, ca.trustingPolicy(), server.port());
                write(tls.socket(), "GET /inside HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK", readLine(tls));
            }
            server.awaitScript(WAIT);
            assertTrue(server.received().contains("[TLS] GET /inside HTTP/1.1"), server.received().toString());
            assertFalse(server.received().stream().anyMatch(l -> l.contains("/pipelined")),
                    "the pipelined request was never read as a request: " + server.received());
        }
    }

    private static void deliverOneMessage(TlsGreenMail mail) {
        GreenMailUtil.sendTextEmail("alice@localhost", "bob@localhost", "keep", "keep me",
                mail.greenMail().getSmtp().getServerSetup());
        assertTrue(mail.greenMail().waitForIncomingEmail(WAIT.toMillis(), 1));
    }

    /** The client side of the switch; it refuses bytes pending after the go-ahead, so the server sent nothing more. */
    private static LineReader upgrade(LineReader plain, TlsPolicy policy, int port) throws IOException {
        SSLSocket tls = Upgrader.of(policy).upgrade(plain, "localhost", port);
        return LineReader.of(tls, 4096);
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String readLine(LineReader reader) throws IOException {
        return reader.readLine(Deadline.after(WAIT));
    }

    private static List<String> readUntilTagged(LineReader reader, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine(reader);
            lines.add(line);
        } while (!line.startsWith(tag + " "));
        return lines;
    }
}
