package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import dev.starttls.spi.NumericReply;
import javax.net.ssl.SSLSocket;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.TlsGreenMailExtension;
import dev.starttls.testkit.WireRecorder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SMTP over STARTTLS and implicit TLS against GreenMail behind the test kit's TLS fronts. */
class SmtpTlsTest {
    private static final String PASSWORD = "pw-Zebra-7781";
    private static final String BODY = "Body-Secret-Marker-42\r\n.a line that starts with a dot\r\n..two dots\r\nend";

    @RegisterExtension
    static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", PASSWORD);

    private static String message(String subject) {
        return "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: " + subject + "\r\n\r\n" + BODY + "\r\n";
    }

    private static void assertArrivedWithBody(String subject) throws Exception {
        MimeMessage received = mail.awaitMessages(1, Duration.ofSeconds(10))[0];
        assertEquals(subject, received.getSubject());
        assertEquals(BODY, GreenMailUtil.getBody(received).strip());
    }

    @Test
    void aMailSentOverStartTlsArrivesWithTheRightBody() throws Exception {
        int handshakesBefore = mail.get().handshakes().size();
        Socket socket = new Socket("localhost", mail.smtpPort());
        try (SmtpSession smtp = SmtpTls.upgrade(socket, "localhost", mail.clientPolicy())) {
            assertTrue(smtp.isTls());
            assertEquals("TLSv1.3", smtp.handshake().orElseThrow().protocol());
            smtp.authPlain("alice", PASSWORD);
            SmtpReply done = smtp.send("bob@localhost", List.of("alice@localhost"), message("starttls"));
            assertEquals(250, done.code());
        }
        assertTrue(socket.isClosed(), "close() closes the socket the caller handed over");
        assertArrivedWithBody("starttls");
        assertEquals(handshakesBefore + 1, mail.get().handshakes().size(), "the front saw exactly one TLS handshake");
    }

    @Test
    void aMailSentOverImplicitTlsArrivesWithTheRightBody() throws Exception {
        try (SmtpSession smtp = SmtpTls.connectImplicit("localhost", mail.smtpsPort(), mail.clientPolicy())) {
            assertTrue(smtp.isTls());
            smtp.authLogin("alice", PASSWORD);
            smtp.send("bob@localhost", List.of("alice@localhost"), message("implicit"));
        }
        assertArrivedWithBody("implicit");
    }

    @Test
    void connectOpensTheConnectionAndUpgradesIt(TlsPolicy trustingTheTestCa) throws Exception {
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), trustingTheTestCa)) {
            assertTrue(smtp.isTls());
            assertEquals(250, smtp.command("NOOP").code());
        }
    }

    @Test
    void keepsOnlyTheExtensionsAnnouncedAfterTls() throws Exception {
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
            // the front announces STARTTLS before TLS only; after TLS GreenMail's own list is all there is
            assertFalse(smtp.extensions().contains("STARTTLS"), smtp.extensions().toString());
            assertTrue(smtp.authMechanisms().contains("PLAIN"), smtp.authMechanisms().toString());
        }
    }

    @Test
    void theOneArgumentUpgradeVerifiesAgainstTheIpAddressEvenAfterAReverseLookup() throws Exception {
        // The default policy trusts the JDK's CAs only, so the test CA's certificate must be refused; the message
        // names the host verified: the address, never the reverse-DNS name a log line looked up ("localhost").
        Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), mail.smtpPort());
        assertEquals("localhost", socket.getInetAddress().getHostName());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> SmtpTls.upgrade(socket));
        assertEquals(Failure.CERTIFICATE, e.failure());
        assertTrue(e.getMessage().contains("127.0.0.1:" + mail.smtpPort()), e.getMessage());
        assertTrue(socket.isClosed());
    }

    @Test
    void jakartaMailSendsOverStartTlsWithThePolicySocketFactory() throws Exception {
        int handshakesBefore = mail.get().handshakes().size();
        Properties props = new Properties();
        props.put("mail.smtp.host", "localhost");
        props.put("mail.smtp.port", String.valueOf(mail.smtpPort()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", mail.clientPolicy().socketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        sendWithJakartaMail(Session.getInstance(props), "smtp", "jakarta starttls");
        assertArrivedWithBody("jakarta starttls");
        assertEquals(handshakesBefore + 1, mail.get().handshakes().size());
    }

    @Test
    void jakartaMailSendsOverImplicitTlsWithThePolicySocketFactory() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtps.host", "localhost");
        props.put("mail.smtps.port", String.valueOf(mail.smtpsPort()));
        props.put("mail.smtps.auth", "true");
        props.put("mail.smtps.ssl.socketFactory", mail.clientPolicy().socketFactory());
        props.put("mail.smtps.ssl.checkserveridentity", "true");
        sendWithJakartaMail(Session.getInstance(props), "smtps", "jakarta smtps");
        assertArrivedWithBody("jakarta smtps");
    }

    @Test
    void jakartaMailWithThePolicySocketFactoryRefusesAnUntrustedServer() {
        Properties props = new Properties();
        props.put("mail.smtps.host", "localhost");
        props.put("mail.smtps.port", String.valueOf(mail.smtpsPort()));
        props.put("mail.smtps.ssl.socketFactory", TlsPolicy.defaults().socketFactory());
        assertThrows(jakarta.mail.MessagingException.class,
                () -> sendWithJakartaMail(Session.getInstance(props), "smtps", "never sent"));
    }

    private static void sendWithJakartaMail(Session session, String protocol, String subject) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("bob@localhost"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@localhost"));
        message.setSubject(subject);
        message.setText(BODY, "UTF-8");
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect("alice", PASSWORD);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    @Test
    void neitherThePasswordNorTheBodyCrossesTheWireInClear() throws Exception {
        try (WireRecorder wire = WireRecorder.start(new InetSocketAddress("127.0.0.1", mail.smtpPort()))) {
            try (SmtpSession smtp = SmtpTls.connect("localhost", wire.port(), mail.clientPolicy())) {
                smtp.authPlain("alice", PASSWORD);
                smtp.send("bob@localhost", List.of("alice@localhost"), message("recorded"));
            }
            assertArrivedWithBody("recorded");
            // the recorder does see the plaintext part, so the checks below can fail
            assertTrue(wire.sawInClear("STARTTLS"), wire.clientText());
            assertFalse(wire.sawInClear(PASSWORD));
            assertFalse(wire.sawInClear(Base64.getEncoder().encodeToString(
                    ("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
            assertFalse(wire.sawInClear("Body-Secret-Marker-42"));
            assertFalse(wire.sawInClear("alice@localhost"), "even the envelope is sent inside TLS");
        }
    }

    @Test
    void theStartTlsFrontNeverExecutesCommandsPipelinedBeforeTheSwitch() throws Exception {
        // CVE-2011-0411: a MAIL FROM pipelined in plaintext after STARTTLS must not count inside TLS
        try (Socket socket = new Socket("localhost", mail.smtpPort())) {
            LineReader plain = LineReader.of(socket, 1024);
            Deadline deadline = Deadline.after(Duration.ofSeconds(10));
            assertEquals(220, NumericReply.read(plain, deadline, 10).code());
            socket.getOutputStream().write("EHLO [127.0.0.1]\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(250, NumericReply.read(plain, deadline, 100).code());
            socket.getOutputStream().write("STARTTLS\r\nMAIL FROM:<attacker@localhost>\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(220, NumericReply.read(plain, deadline, 10).code());
            SSLSocket tls = Upgrader.of(mail.clientPolicy()).upgrade(plain, "localhost", mail.smtpPort());
            LineReader reader = LineReader.of(tls, 1024);
            tls.getOutputStream().write("EHLO [127.0.0.1]\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(250, NumericReply.read(reader, deadline, 100).code());
            tls.getOutputStream().write("RCPT TO:<alice@localhost>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(503, NumericReply.read(reader, deadline, 10).code(),
                    "RCPT without a MAIL FROM inside TLS is a bad sequence: the pipelined MAIL FROM was discarded");
            tls.close();
        }
    }

    @Test
    void dotStuffingDoublesLeadingDotsAndNormalisesLineEndings() {
        assertEquals("a\r\n..b\r\n\r\n...\r\nc\r\n.\r\n",
                new String(SmtpSession.dotStuffed("a\n.b\r\n\r..\r\nc"), StandardCharsets.UTF_8));
        assertEquals("a\r\n.\r\n", new String(SmtpSession.dotStuffed("a\r"), StandardCharsets.UTF_8),
                "a message ending in a bare CR");
    }

    @Test
    void implicitTlsOnAnOpenSocketSendsMail() throws Exception {
        Socket socket = new Socket("localhost", mail.smtpsPort());
        try (SmtpSession smtp = SmtpTls.implicit(socket, "localhost", mail.clientPolicy())) {
            assertTrue(smtp.isTls());
            smtp.authPlain("alice", PASSWORD);
            smtp.send("bob@localhost", List.of("alice@localhost"), message("implicit socket"));
        }
        assertTrue(socket.isClosed());
        assertArrivedWithBody("implicit socket");
    }

    @Test
    void theEhloNameIsAnAddressLiteralOfTheLocalEnd() throws Exception {
        // RFC 5321 4.1.3: no DNS name to look up or get wrong; IPv6 tagged, without the zone of a scoped address
        assertEquals("[127.0.0.1]", SmtpDialogue.ehloName(InetAddress.getByName("127.0.0.1")));
        assertEquals("[IPv6:0:0:0:0:0:0:0:1]", SmtpDialogue.ehloName(InetAddress.getByName("::1")));
        assertEquals("[IPv6:fe80:0:0:0:0:0:0:1]", SmtpDialogue.ehloName(
                java.net.Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3)));
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy())) {
            assertEquals("[" + smtp.socket().getLocalAddress().getHostAddress() + "]", smtp.ehloName());
        }
    }
}
