package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way an SMTP server (or an attacker in front of it) can break the upgrade, each with its failure kind. */
class SmtpFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final TlsPolicy policy = ca.trustingPolicy();

    /** Upgrades a socket the test holds, asserts the failure kind and that the socket was closed. */
    private static TlsUpgradeException fails(Failure expected, ScriptedServer server, TlsPolicy policy)
            throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> SmtpTls.upgrade(socket, "localhost", policy));
        assertEquals(expected, e.failure(), e.toString());
        assertTrue(socket.isClosed(), "the socket must be closed after a failed upgrade");
        return e;
    }

    /** Greeting and a pre-TLS EHLO reply announcing STARTTLS. */
    private static void greetAndOfferStartTls(ScriptedServer.Conversation c) throws Exception {
        c.sendLine("220 hostile.example ESMTP");
        c.readLine(); // EHLO
        c.send("250-hostile.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    }

    /** A server that offers STARTTLS, says 220 and then presents {@code certificate}. */
    private static ScriptedServer startTlsServer(HeldCertificate certificate) {
        return ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine(); // STARTTLS
            c.sendLine("220 2.0.0 go ahead");
            c.startTls(certificate);
            c.readLine(); // EHLO
            c.send("250-hostile.example\r\n250 AUTH PLAIN\r\n");
            c.readUntilClosed();
        });
    }

    @Test
    void aServerThatDoesNotOfferStartTlsIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 stripped.example ESMTP");
            c.readLine();
            c.send("250-stripped.example\r\n250 AUTH PLAIN LOGIN\r\n");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = fails(Failure.STARTTLS_NOT_OFFERED, server, policy);
            assertTrue(e.reply().orElseThrow().contains("250 AUTH PLAIN LOGIN"), e.reply().toString());
            assertEquals(1, server.receivedInClear().size(), "only EHLO was sent: " + server.receivedInClear());
        }
    }

    @Test
    void startTlsAnswered454IsRefusedWithTheReply() throws Exception {
        refusedWith("454 4.7.0 TLS not available due to temporary reason");
    }

    @Test
    void startTlsAnswered502IsRefusedWithTheReply() throws Exception {
        refusedWith("502 5.5.1 Command not implemented");
    }

    @Test
    void startTlsAnsweredWith250IsRefusedToo() throws Exception {
        TlsUpgradeException e = refusedWith("250 OK, carry on in plaintext");
        assertTrue(e.getMessage().contains("did not give its go-ahead to STARTTLS: 250 OK"), e.getMessage());
    }

    @Test
    void aStartTlsRefusalAnywhereInTheFourAndFiveHundredsFallsBackWhenOpportunistic() throws Exception {
        // RFC 5321 4.2.1: the first digit classifies; 4yz and 5yz are refusals a client may carry on after
        TlsPolicy opportunistic = policy.newBuilder().opportunistic(true).build();
        for (String refusal : List.of("400 4.7.0 try again later", "454 4.7.0 TLS not available", "599 5.0.0 no")) {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                greetAndOfferStartTls(c);
                c.readLine();
                c.sendLine(refusal);
                c.readUntilClosed();
            }); SmtpSession smtp = SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost",
                    opportunistic)) {
                assertFalse(smtp.isTls(), refusal);
            }
        }
    }

    @Test
    void aSilentServerIsTimeoutSuggestingTheImplicitTlsPort() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(300)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> c.readUntilClosed())) { // waits for a ClientHello
            TlsUpgradeException e = fails(Failure.TIMEOUT, server, impatient);
            assertTrue(e.getMessage().contains("is this an implicit-TLS port (SMTP uses 465)?"), e.getMessage());
        }
    }

    @Test
    void authLoginIsRefusedBeforeAnythingIsSentWhenTheServerOffersOnlyOtherMechanisms() throws Exception {
        try (ScriptedServer server = startTlsServer(ca.issue("localhost"));
                SmtpSession smtp = SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> smtp.authLogin("alice", "secret"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("does not offer AUTH LOGIN after TLS (it offers [PLAIN])"),
                    e.getMessage());
            smtp.socket().close();
            server.awaitScript(WAIT);
            assertFalse(server.received().stream().anyMatch(l -> l.contains("AUTH")), server.received().toString());
        }
    }

    private TlsUpgradeException refusedWith(String answer) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.sendLine(answer);
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = fails(Failure.STARTTLS_REFUSED, server, policy);
            assertEquals(answer, e.reply().orElseThrow());
            return e;
        }
    }

    @Test
    void aWholeLineInjectedAfterThe220IsInjection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.send("220 2.0.0 go ahead\r\n250-injected.example\r\n250 AUTH PLAIN\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void aPartialLineInjectedAfterThe220IsInjection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.send("220 2.0.0 go ahead\r\n250 inj");
            c.readUntilClosed();
        })) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void anExpiredCertificateIsCertificate() throws Exception {
        try (ScriptedServer server = startTlsServer(ca.leaf().names("localhost").expired().build())) {
            assertTrue(fails(Failure.CERTIFICATE, server, policy).getMessage().contains("expired"));
        }
    }

    @Test
    void aCertificateForAnotherHostIsCertificate() throws Exception {
        try (ScriptedServer server = startTlsServer(ca.issue("mail.example.com"))) {
            assertTrue(fails(Failure.CERTIFICATE, server, policy).getMessage().contains("does not match"));
        }
    }

    @Test
    void aSelfSignedCertificateIsCertificate() throws Exception {
        try (ScriptedServer server = startTlsServer(CertificateAuthority.selfSigned("localhost"))) {
            assertTrue(fails(Failure.CERTIFICATE, server, policy).getMessage().contains("self-signed"));
        }
    }

    @Test
    void aCertificateFromAnUntrustedCaIsCertificate() throws Exception {
        try (ScriptedServer server = startTlsServer(CertificateAuthority.create().issue("localhost"))) {
            assertTrue(fails(Failure.CERTIFICATE, server, policy).getMessage().contains("not trusted"));
        }
    }

    @Test
    void aTls11OnlyServerIsHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.sendLine("220 go ahead");
            assertEquals(0x16, c.readBytes(5)[0], "a TLS handshake record"); // the ClientHello has begun
            c.sendTls11ServerHello();
            c.readUntilClosed();
        })) {
            fails(Failure.HANDSHAKE, server, policy);
        }
    }

    @Test
    void garbageInsteadOfAServerHelloIsHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.sendLine("220 go ahead");
            c.readBytes(5); // after the ClientHello began: not an injection, a broken TLS peer
            c.sendLine("500 what is this binary stuff?");
            c.readUntilClosed();
        })) {
            fails(Failure.HANDSHAKE, server, policy);
        }
    }

    @Test
    void anOversizedGreetingLineIsLimit() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 " + "x".repeat(100_000));
            c.readUntilClosed();
        })) {
            fails(Failure.LIMIT, server, policy);
        }
    }

    @Test
    void anEndlessMultiLineReplyIsLimit() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 ok");
            c.readLine();
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                lines.append("250-line ").append(i).append("\r\n");
            }
            c.send(lines.toString());
            c.readUntilClosed();
        })) {
            fails(Failure.LIMIT, server, policy);
        }
    }

    @Test
    void aServerThatDripsItsGreetingTimesOut() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(500)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> c.drip("220 slowly.example ESMTP\r\n",
                Duration.ofMillis(100)))) {
            fails(Failure.TIMEOUT, server, impatient);
        }
    }

    @Test
    void aServerThatClosesAfterItsGreetingIsClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> c.sendLine("220 bye.example ESMTP"))) {
            fails(Failure.CLOSED, server, policy);
        }
    }

    @Test
    void aServerThatClosesAfterTheGoAheadIsClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine();
            c.sendLine("220 go ahead");
        })) {
            fails(Failure.CLOSED, server, policy);
        }
    }

    @Test
    void aRefusingGreetingIsRejected() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("554 5.3.2 no service for you");
            c.readUntilClosed();
        })) {
            assertEquals("554 5.3.2 no service for you", fails(Failure.REJECTED, server, policy).reply().orElseThrow());
        }
    }

    @Test
    void aMalformedReplyIsProtocol() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("HELLO I AM NOT SMTP");
            c.readUntilClosed();
        })) {
            fails(Failure.PROTOCOL, server, policy);
        }
    }

    @Test
    void multiLineGreetingsAndStaleCapabilitiesAreHandled() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("220-hostile.example ESMTP\r\n220-second line\r\n220 third line\r\n");
            c.readLine();
            c.send("250-hostile.example\r\n250-XSTALE\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n");
            c.readLine();
            c.sendLine("220 go ahead");
            c.startTls(cert);
            c.readLine();
            c.send("250-hostile.example\r\n250-SIZE 1000\r\n250 AUTH LOGIN\r\n");
            c.readUntilClosed();
        })) {
            try (SmtpSession smtp = SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
                assertEquals(List.of("SIZE", "AUTH"), List.copyOf(smtp.extensions()));
                assertEquals(List.of("LOGIN"), smtp.authMechanisms(), "AUTH PLAIN was only offered before TLS");
                assertEquals("1000", smtp.extension("size").orElseThrow());
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> smtp.authPlain("a", "b"));
                assertEquals(Failure.REJECTED, e.failure());
            }
            assertEquals(List.of("EHLO", "STARTTLS"), server.receivedInClear().stream()
                    .map(l -> l.split(" ")[0]).toList());
        }
    }

    @Test
    void opportunisticModeFallsBackToPlaintextAndSaysSoAndKeepsCredentialsBack() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 plain.example ESMTP");
            c.readLine();
            c.send("250-plain.example\r\n250 AUTH PLAIN\r\n");
            c.readUntilClosed();
        })) {
            TlsPolicy opportunistic = policy.newBuilder().opportunistic(true).build();
            try (SmtpSession smtp = SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost",
                    opportunistic)) {
                assertFalse(smtp.isTls());
                assertTrue(smtp.handshake().isEmpty());
                assertThrows(IllegalStateException.class, smtp::sslSocket);
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                        () -> smtp.authPlain("alice", "secret"));
                assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
                assertEquals(Failure.STARTTLS_NOT_OFFERED,
                        assertThrows(TlsUpgradeException.class, () -> smtp.authLogin("alice", "secret")).failure());
                // the raw command is no way around it, whatever the case
                for (String raw : List.of("AUTH PLAIN AGFsaWNlAHNlY3JldA==", "auth login", " Auth LOGIN")) {
                    assertEquals(Failure.STARTTLS_NOT_OFFERED,
                            assertThrows(TlsUpgradeException.class, () -> smtp.command(raw)).failure(), raw);
                }
            }
            server.awaitScript(WAIT);
            assertFalse(server.receivedInClear().stream().anyMatch(l -> l.trim().toUpperCase().startsWith("AUTH")),
                    server.receivedInClear().toString());
        }
    }

    @Test
    void argumentsWithLineBreaksAreRejectedBeforeAnythingIsWritten() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = startTlsServer(cert);
                SmtpSession smtp = SmtpTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertThrows(IllegalArgumentException.class, () -> smtp.send("a@example.com\r\nRCPT TO:<evil@example.com>",
                    List.of("b@example.com"), "x"));
            assertThrows(IllegalArgumentException.class, () -> smtp.send("a@example.com",
                    List.of("b@example.com>\nDATA"), "x"));
            assertThrows(IllegalArgumentException.class, () -> smtp.command("NOOP\r\nQUIT"));
            assertThrows(IllegalArgumentException.class, () -> smtp.authPlain("alice\r\n", "x"));
            smtp.socket().close();
            server.awaitScript(WAIT);
            assertEquals(List.of("EHLO", "STARTTLS", "[TLS]"), server.received().stream()
                    .map(l -> l.split(" ")[0]).toList(), "nothing after the post-TLS EHLO was written");
        }
    }

    @Test
    void aPortWhereNothingListensIsConnect() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        int closedPort = port;
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> SmtpTls.connect("localhost", closedPort, policy));
        assertEquals(Failure.CONNECT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("localhost:" + closedPort), e.getMessage());
    }

    @Test
    void implicitTlsAgainstAPlaintextPortIsHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 plaintext.example ESMTP"); // what a STARTTLS port says first
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> SmtpTls.connectImplicit("localhost", server.port(), policy));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
        }
    }

    /** A server that upgrades, accepts MAIL, RCPT and DATA inside TLS, then never reads again (zero TCP window). */
    private ScriptedServer stopsReadingAfterTheUpgrade(java.util.concurrent.CountDownLatch release) {
        HeldCertificate certificate = ca.issue("localhost");
        return ScriptedServer.start(c -> {
            greetAndOfferStartTls(c);
            c.readLine(); // STARTTLS
            c.sendLine("220 2.0.0 go ahead");
            c.startTls(certificate);
            c.readLine(); // EHLO
            c.send("250-hostile.example\r\n250 AUTH PLAIN\r\n");
            c.readLine(); // MAIL FROM
            c.sendLine("250 ok");
            c.readLine(); // RCPT TO
            c.sendLine("250 ok");
            c.readLine(); // DATA
            c.sendLine("354 go on");
            release.await(); // reads nothing more: the message fills both socket buffers and the write blocks
        });
    }

    /**
     * How long dot-stuffing {@code message} takes here and now: the CPU work send() does before it writes, which a
     * loaded machine (several builds on two cores) stretches far beyond any write deadline.
     */
    private static long framingMillis(String message) {
        long start = System.nanoTime();
        SmtpSession.dotStuffed(message);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aPeerThatStopsReadingCannotHoldSendPastTheWriteDeadline() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TlsPolicy quick = policy.newBuilder().readTimeout(Duration.ofMillis(800)).build();
        try (ScriptedServer server = stopsReadingAfterTheUpgrade(release)) {
            SmtpSession smtp = SmtpTls.connect("localhost", server.port(), quick);
            String big = "Subject: big\r\n\r\n" + "x".repeat(998) .concat("\r\n").repeat(20_000); // ~20 MB
            long framing = framingMillis(big);
            long start = System.nanoTime();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> smtp.send("a@example.com", List.of("b@example.com"), big));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.failure() == Failure.TIMEOUT || e.failure() == Failure.CLOSED, e.toString());
            assertTrue(millis < 5_000 + 2 * framing, "send() was held for " + millis + " ms with an 800 ms write "
                    + "deadline (framing the message takes " + framing + " ms on this machine now)");
            assertTrue(smtp.socket().isClosed());
            release.countDown();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void closeReturnsWithinItsBoundWhenThePeerStoppedReading() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TlsPolicy quick = policy.newBuilder().readTimeout(Duration.ofMillis(800)).build();
        try (ScriptedServer server = stopsReadingAfterTheUpgrade(release)) {
            SmtpSession smtp = SmtpTls.connect("localhost", server.port(), quick);
            String big = "Subject: big\r\n\r\n" + "y".repeat(998).concat("\r\n").repeat(20_000); // ~20 MB
            long framing = framingMillis(big);
            Thread sender = new Thread(() -> {
                try {
                    smtp.send("a@example.com", List.of("b@example.com"), big);
                } catch (TlsUpgradeException expected) {
                    // the close below ends it
                }
            });
            sender.start();
            Thread.sleep(300 + 2 * framing); // the sender has framed the message and is blocked in write by now
            long start = System.nanoTime();
            smtp.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3_000, "close() took " + millis + " ms");
            sender.join(5_000 + 2 * framing);
            assertFalse(sender.isAlive(), "the blocked send() ends when the session is closed");
            release.countDown();
        }
    }
}
