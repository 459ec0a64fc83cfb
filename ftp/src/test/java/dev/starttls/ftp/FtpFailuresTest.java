package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.ScriptedServer.Conversation;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and broken FTP servers: every failure is typed and leaves the connection closed. */
@Timeout(30)
class FtpFailuresTest {
    static final CertificateAuthority CA = CertificateAuthority.create();
    static final HeldCertificate SERVER = CA.issue("localhost", "127.0.0.1");
    /** Scripted servers answer at once: 5 s is ample even on a loaded machine, and a stuck test ends sooner. */
    static final TlsPolicy REQUIRED = CA.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(5)).build();
    private static final TlsPolicy OPPORTUNISTIC = REQUIRED.newBuilder().opportunistic(true).build();
    private static final byte[] CONTENT = "the whole file\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    final DataListener data = new DataListener();

    static Socket connect(ScriptedServer server) throws Exception {
        return new Socket("127.0.0.1", server.port());
    }

    static void greetAndAnswerAuth(Conversation c, String answer) throws Exception {
        c.sendLine("220 scripted FTP");
        assertEquals("AUTH TLS", c.readLine());
        c.sendLine(answer);
    }

    /** 220, AUTH TLS, 234, TLS, PBSZ 0, PROT P, then {@code featReply} to FEAT. */
    static void upToFeat(Conversation c, String featReply) throws Exception {
        greetAndAnswerAuth(c, "234 go ahead");
        c.startTls(SERVER);
        assertEquals("PBSZ 0", c.readLine());
        c.sendLine("200 PBSZ=0");
        assertEquals("PROT P", c.readLine());
        c.sendLine("200 PROT now Private");
        assertEquals("FEAT", c.readLine());
        c.send(featReply);
    }

    /** {@link #upToFeat}, then USER, PASS, TYPE I. */
    static void upToLogin(Conversation c) throws Exception {
        upToFeat(c, "211-Features:\r\n EPSV\r\n PASV\r\n211 End\r\n");
        c.readLine();
        c.sendLine("331 password please");
        c.readLine();
        c.sendLine("230 logged in");
        c.readLine();
        c.sendLine("200 binary");
    }

    /** {@link #upToLogin}, then EPSV pointing at the data listener, the transfer command and its 150. */
    private void upToDataConnection(Conversation c) throws Exception {
        upToLogin(c);
        c.readLine();
        c.sendLine(data.epsvReply());
        c.readLine();
        c.sendLine("150 here it comes");
    }

    /** 220, AUTH TLS, 234, TLS, PBSZ 0, then {@code code} in answer to PROT P. */
    static void refuseProtP(Conversation c, int code) throws Exception {
        greetAndAnswerAuth(c, "234 go ahead");
        c.startTls(SERVER);
        c.readLine();
        c.sendLine("200 PBSZ=0");
        c.readLine();
        c.sendLine(code + " PROT P not supported");
    }

    static FtpSession loggedIn(ScriptedServer server) throws Exception {
        FtpSession session = FtpTls.upgrade(connect(server), "localhost", REQUIRED);
        session.login("alice", "secret");
        return session;
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 534})
    void failsWhenAuthTlsIsRefusedAndTlsIsRequired(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> greetAndAnswerAuth(c, code + " no TLS here"))) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", REQUIRED));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertEquals(code, e.replyCode().orElseThrow());
            assertTrue(socket.isClosed());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 534})
    void goesOnInClearWhenRefusedAndOpportunisticButNeverSendsCredentials(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndAnswerAuth(c, code + " no TLS here");
            c.readUntilClosed();
        })) {
            try (FtpSession session = FtpTls.upgrade(connect(server), "localhost", OPPORTUNISTIC)) {
                assertFalse(session.isTls());
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.login("a", "b"));
                assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
            }
            assertFalse(server.receivedInClear().stream().anyMatch(l -> l.startsWith("USER") || l.startsWith("PASS")));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void treats334AsNoGoAheadEvenWhenOpportunistic(boolean opportunistic) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> greetAndAnswerAuth(c, "334 ADAT=whatever"))) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", opportunistic ? OPPORTUNISTIC : REQUIRED));
            assertEquals(Failure.STARTTLS_REFUSED, e.failure());
            assertEquals(334, e.replyCode().orElseThrow());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void rejectsBytesInjectedAfterTheGoAhead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220 scripted FTP");
            c.readLine();
            c.send("234 go ahead\r\n230 injected login\r\n");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", REQUIRED));
            assertEquals(Failure.INJECTION, e.failure());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void failsWhenProtPIsRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            refuseProtP(c, 536);
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", REQUIRED));
            assertEquals(Failure.REJECTED, e.failure());
            assertEquals(536, e.replyCode().orElseThrow());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void acceptsClearDataOnlyWhenTheCallerOptedIn() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            refuseProtP(c, 536);
            c.readLine();
            c.sendLine("502 no FEAT");
            c.readUntilClosed();
        })) {
            try (FtpSession session = FtpTls.upgrade(connect(server), "localhost", REQUIRED,
                    DataProtection.PRIVATE_OR_CLEAR_INSECURELY)) {
                assertTrue(session.isTls());
                assertFalse(session.isDataPrivate());
            }
        }
    }

    @Test
    void failsOnAPlaintextDataConnectionAfterProtP() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToDataConnection(c);
            try (Socket plain = data.accept()) {
                plain.getOutputStream().write(CONTENT); // in clear
                plain.getInputStream().read();
            }
            c.readUntilClosed();
        })) {
            FtpSession session = loggedIn(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.retrieve("a.txt"));
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertTrue(session.socket().isClosed(), "the whole session is closed");
        }
    }

    @Test
    void failsOnADataCertificateForAnotherHost() throws Exception {
        assertDataCertificateRefused(CA.issue("other.example"));
    }

    /** A data connection's certificate is verified like the control connection's: the same trust, the same dates. */
    @ParameterizedTest
    @ValueSource(strings = {"an untrusted root", "self-signed", "expired"})
    void failsOnADataCertificateItCannotTrust(String which) throws Exception {
        assertDataCertificateRefused(switch (which) {
            case "an untrusted root" -> CertificateAuthority.create().issue("localhost", "127.0.0.1");
            case "self-signed" -> CertificateAuthority.selfSigned("localhost", "127.0.0.1");
            default -> CA.leaf().names("localhost", "127.0.0.1").expired().build();
        });
    }

    private void assertDataCertificateRefused(HeldCertificate bad) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToDataConnection(c);
            try (Socket plain = data.accept()) {
                Upgrader.of(bad.serverPolicy()).acceptImplicit(plain);
            } catch (TlsUpgradeException expected) {
                // the client refuses the certificate
            }
            c.readUntilClosed();
        })) {
            FtpSession session = loggedIn(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.retrieve("a.txt"));
            assertEquals(Failure.CERTIFICATE, e.failure());
            assertTrue(session.socket().isClosed());
        }
    }

    /** Serves one TLS data connection with {@link #CONTENT}; {@code closeNotify} false cuts the TCP stream instead. */
    private void serveData(boolean closeNotify) throws Exception {
        Socket plain = data.accept();
        SSLSocket tls = Upgrader.of(SERVER.serverPolicy()).acceptImplicit(plain);
        OutputStream out = tls.getOutputStream();
        out.write(CONTENT);
        out.flush();
        if (closeNotify) {
            tls.close();
        } else {
            plain.close(); // a FIN without close_notify: an attacker's, in the middle of a file
        }
    }

    @Test
    void ignoresThePasvAddressAndConnectsToTheControlPeer() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            assertEquals("[TLS] EPSV", "[TLS] " + c.readLine());
            c.sendLine("500 EPSV not understood");
            c.readLine();
            c.sendLine(data.pasvReply("10,9,8,7"));
            c.readLine();
            c.sendLine("150 here it comes");
            serveData(true);
            c.sendLine("226 done");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server); InputStream in = session.retrieve("a.txt")) {
                assertArrayEquals(CONTENT, in.readAllBytes());
                assertTrue(session.lastDataHandshake().orElseThrow().resumed());
            }
        }
    }

    @Test
    void reportsADataStreamWithoutCloseNotifyAsTruncated() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToDataConnection(c);
            serveData(false);
            c.sendLine("226 done"); // what a forged or confused server says
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                InputStream in = session.retrieve("a.txt");
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, in::readAllBytes);
                assertEquals(Failure.CLOSED, e.failure());
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
        }
    }

    @Test
    void reportsADownloadWithoutThe226AsAFailure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToDataConnection(c);
            serveData(true);
            c.sendLine("426 connection closed; transfer aborted");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                InputStream in = session.retrieve("a.txt");
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, in::readAllBytes);
                assertEquals(Failure.REJECTED, e.failure());
                assertEquals(426, e.replyCode().orElseThrow());
            }
        }
    }

    @Test
    void stopsAnEndlessMultiLineGreeting() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("220-welcome");
            try {
                for (int i = 0; i < 100_000; i++) {
                    c.sendLine(" and more " + i);
                }
            } catch (java.io.IOException closedByClient) {
                // expected
            }
        })) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", REQUIRED));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void doesNotTakeA230GreetingForALogin() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("230 already logged in");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", OPPORTUNISTIC));
            assertEquals(Failure.PROTOCOL, e.failure());
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void waitsThroughA120Greeting() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("120 ready in 1 minute");
            greetAndAnswerAuth(c, "502 no");
            c.readUntilClosed();
        })) {
            try (FtpSession session = FtpTls.upgrade(connect(server), "localhost", OPPORTUNISTIC)) {
                assertFalse(session.isTls());
            }
        }
    }

    @Test
    void rejectsDataTransfersWhileTheLastStreamIsOpen() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToDataConnection(c);
            serveData(true);
            c.sendLine("226 done");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server); InputStream in = session.retrieve("a.txt")) {
                assertThrows(IllegalStateException.class, () -> session.retrieve("b.txt"));
                assertArrayEquals(CONTENT, in.readAllBytes());
            }
        }
    }
}
