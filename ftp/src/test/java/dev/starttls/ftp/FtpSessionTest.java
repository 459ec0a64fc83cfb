package dev.starttls.ftp;

import static dev.starttls.ftp.FtpFailuresTest.REQUIRED;
import static dev.starttls.ftp.FtpFailuresTest.SERVER;
import static dev.starttls.ftp.FtpFailuresTest.connect;
import static dev.starttls.ftp.FtpFailuresTest.greetAndAnswerAuth;
import static dev.starttls.ftp.FtpFailuresTest.loggedIn;
import static dev.starttls.ftp.FtpFailuresTest.refuseProtP;
import static dev.starttls.ftp.FtpFailuresTest.upToFeat;
import static dev.starttls.ftp.FtpFailuresTest.upToLogin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.ScriptedServer.Conversation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What an {@link FtpSession} makes of the replies a server may legitimately (or not quite) send. */
@Timeout(30)
class FtpSessionTest {
    @RegisterExtension
    final DataListener data = new DataListener();

    private void epsv(Conversation c) throws Exception {
        assertEquals("EPSV", c.readLine());
        c.sendLine(data.epsvReply());
    }

    /** Sends {@code content} on one TLS data connection and closes it with close_notify. */
    private void serve(byte[] content) throws IOException {
        try (SSLSocket tls = data.acceptTls(SERVER)) {
            tls.getOutputStream().write(content);
        }
    }

    private static FtpSession upgraded(ScriptedServer server) throws Exception {
        return FtpTls.upgrade(connect(server), "localhost", REQUIRED);
    }

    private static void assertUpgradeFails(Executable upgrade, Socket socket, Failure failure, int code) {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, upgrade);
        assertEquals(failure, e.failure());
        assertEquals(code, e.replyCode().orElseThrow());
        assertTrue(socket.isClosed(), "the socket is closed");
    }

    @ParameterizedTest(name = "{0} after FEAT")
    @ValueSource(strings = {"211-Features:\r\n EPSV\r\n\r\n  MLST type*;size*;\r\n211 End\r\n", "211 no features\r\n",
        "502 FEAT not implemented\r\n"})
    void learnsTheFeaturesAfterTlsOnly(String featReply) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToFeat(c, featReply);
            c.readUntilClosed();
        })) {
            try (FtpSession session = upgraded(server)) {
                List<String> expected = featReply.startsWith("211-") ? List.of("EPSV", "MLST type*;size*;") : List.of();
                assertEquals(expected, session.capabilities());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void waitsThroughA120GreetingOrThree(int delays) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("120 ready in 1 minute\r\n".repeat(delays));
            greetAndAnswerAuth(c, "234 go ahead");
            c.startTls(SERVER);
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            // the upgrade gets as far as PBSZ, which the script leaves unanswered: past the greeting
            TlsPolicy quick = REQUIRED.newBuilder().readTimeout(Duration.ofMillis(1500)).build();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> FtpTls.upgrade(socket, "localhost", quick));
            assertEquals(Failure.TIMEOUT, e.failure());
            assertEquals(List.of("AUTH TLS", "[TLS] PBSZ 0"), server.received());
        }
    }

    @Test
    void givesUpOnAServerThatKeepsSaying120() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("120 ready in 1 minute\r\n".repeat(4) + "220 ready now\r\n");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            assertUpgradeFails(() -> FtpTls.upgrade(socket, "localhost", REQUIRED), socket, Failure.PROTOCOL, 120);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 421, 530})
    void takesANegativeGreetingForARefusal(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine(code + " go away");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            assertUpgradeFails(() -> FtpTls.upgrade(socket, "localhost", REQUIRED), socket, Failure.REJECTED, code);
        }
    }

    @Test
    void failsWhenPbszIsRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            greetAndAnswerAuth(c, "234 go ahead");
            c.startTls(SERVER);
            c.readLine();
            c.sendLine("503 PBSZ not now");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            assertUpgradeFails(() -> FtpTls.upgrade(socket, "localhost", REQUIRED), socket, Failure.REJECTED, 503);
        }
    }

    /** An opted-in caller goes on in clear only after a permanent refusal of PROT P (5xx, 500 included), not a 4xx. */
    @ParameterizedTest
    @ValueSource(ints = {500, 431})
    void goesOnWithClearDataOnlyAfterAPermanentRefusalOfProtP(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            refuseProtP(c, code);
            c.readLine();
            c.sendLine("502 no FEAT");
            c.readUntilClosed();
        })) {
            Socket socket = connect(server);
            DataProtection optIn = DataProtection.PRIVATE_OR_CLEAR_INSECURELY;
            if (code >= 500) {
                try (FtpSession session = FtpTls.upgrade(socket, "localhost", REQUIRED, optIn)) {
                    assertTrue(session.isTls());
                    assertFalse(session.isDataPrivate());
                }
            } else {
                assertUpgradeFails(() -> FtpTls.upgrade(socket, "localhost", REQUIRED, optIn), socket,
                        Failure.REJECTED, code);
            }
        }
    }

    @ParameterizedTest(name = "USER answered {0}")
    @ValueSource(ints = {230, 202})
    void logsInWithoutAPasswordWhenUserIsEnough(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToFeat(c, "211 no features\r\n");
            c.readLine();
            c.sendLine(code + " welcome");
            c.readLine();
            c.sendLine("200 binary");
            c.readUntilClosed();
        })) {
            try (FtpSession session = upgraded(server)) {
                session.login("alice", "secret");
            }
            assertFalse(server.received().stream().anyMatch(l -> l.contains("PASS")), "no password sent");
            assertTrue(server.received().contains("[TLS] TYPE I"));
        }
    }

    /** A login is complete only with 230 (or 202) and binary mode accepted; anything else is the server's refusal. */
    @ParameterizedTest(name = "USER {0}, then {1}")
    @CsvSource({"331, 530", "331, 332", "230, 504"})
    void refusesALoginTheServerDidNotComplete(int userReply, int refusal) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToFeat(c, "211 no features\r\n");
            c.readLine();
            c.sendLine(userReply + " go on");
            c.readLine(); // PASS, or TYPE I after a 230
            c.sendLine(refusal + " no");
            c.readUntilClosed();
        })) {
            try (FtpSession session = upgraded(server)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.login("alice", "x"));
                assertEquals(Failure.REJECTED, e.failure());
                assertEquals(refusal, e.replyCode().orElseThrow());
                assertTrue(e.getMessage().contains(userReply == 230 ? "TYPE I" : "login of alice"), e.getMessage());
            }
        }
    }

    @Test
    void readsSizesAndRefusesMalformedOnes() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            c.readLine();
            c.sendLine("213 300000");
            c.readLine();
            c.sendLine("213 big");
            c.readLine();
            c.sendLine("550 no such file");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                assertEquals(300_000, session.size("a.bin"));
                TlsUpgradeException malformed = assertThrows(TlsUpgradeException.class, () -> session.size("b"));
                assertEquals(Failure.PROTOCOL, malformed.failure());
                assertTrue(malformed.getMessage().contains("213 big"), malformed.getMessage());
                TlsUpgradeException missing = assertThrows(TlsUpgradeException.class, () -> session.size("c"));
                assertEquals(Failure.REJECTED, missing.failure());
                assertEquals(550, missing.replyCode().orElseThrow());
            }
        }
    }

    @Test
    void reportsRefusedFileCommandsWithTheServersReply() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            c.readLine();
            c.sendLine("550 DELE: permission denied");
            c.readLine();
            c.sendLine("550 MKD: exists");
            c.readLine();
            c.sendLine("550 RNFR: no such file");
            c.readLine();
            c.sendLine("350 ready for RNTO");
            c.readLine();
            c.sendLine("553 RNTO: bad name");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                assertEquals(550, assertThrows(TlsUpgradeException.class, () -> session.delete("a"))
                        .replyCode().orElseThrow());
                assertEquals(550, assertThrows(TlsUpgradeException.class, () -> session.mkdir("d"))
                        .replyCode().orElseThrow());
                assertEquals(550, assertThrows(TlsUpgradeException.class, () -> session.rename("a", "b"))
                        .replyCode().orElseThrow());
                assertEquals(553, assertThrows(TlsUpgradeException.class, () -> session.rename("c", "d"))
                        .replyCode().orElseThrow());
            }
            List<String> sent = server.received().stream().filter(l -> l.matches("\\[TLS] (DELE|MKD|RNFR|RNTO) .*"))
                    .toList();
            assertEquals(List.of("[TLS] DELE a", "[TLS] MKD d", "[TLS] RNFR a", "[TLS] RNFR c", "[TLS] RNTO d"), sent,
                    "no RNTO after a refused RNFR");
        }
    }

    /** quit() and close() both say QUIT and close the connection; whichever comes second sends nothing more. */
    @ParameterizedTest(name = "quit first: {0}")
    @ValueSource(booleans = {true, false})
    void saysQuitOnceAndCloses(boolean quitFirst) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            assertEquals("QUIT", c.readLine());
            c.sendLine("221 bye");
            c.readUntilClosed();
        })) {
            FtpSession session = loggedIn(server);
            if (quitFirst) {
                session.quit();
                assertTrue(session.socket().isClosed());
            }
            session.close();
            assertTrue(session.socket().isClosed());
            server.awaitScript(Duration.ofSeconds(10));
            assertEquals(1, server.received().stream().filter(l -> l.endsWith("QUIT")).count());
        }
    }

    /** {@code policy.maxMessageSize()} bounds a listing: exactly the limit is fine, one byte more is not. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void boundsAListingByTheMessageSizeLimit(int over) throws Exception {
        TlsPolicy small = REQUIRED.newBuilder().maxMessageSize(1024).build();
        byte[] listing = ("a.txt\r\n\r\n" + "b".repeat(1014 + over) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            assertEquals("MLSD", c.readLine());
            c.sendLine("150 listing");
            serve(listing);
            c.sendLine("226 done");
            c.readUntilClosed();
        })) {
            try (FtpSession session = FtpTls.upgrade(connect(server), "localhost", small)) {
                session.login("alice", "secret");
                if (over == 0) {
                    List<FtpEntry> entries = session.mlsd("");
                    assertEquals(List.of("a.txt", "b".repeat(1014)), entries.stream().map(FtpEntry::name).toList(),
                            "CRLF and LF both end lines; empty lines are no entries");
                } else {
                    TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.mlsd(""));
                    assertEquals(Failure.LIMIT, e.failure());
                }
            }
        }
    }

    /** Some servers send more than one 1xx before the final reply; a server that never ends them is refused. */
    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void readsUpToThreeFurtherPreliminaryRepliesBeforeTheFinalOne(int extra) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            c.readLine();
            c.sendLine("150 here it comes");
            serve("hello".getBytes(StandardCharsets.US_ASCII));
            c.send("125 still going\r\n".repeat(extra) + "226 done\r\n");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server); InputStream in = session.retrieve("a.txt")) {
                if (extra <= 3) {
                    assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
                } else {
                    TlsUpgradeException e = assertThrows(TlsUpgradeException.class, in::readAllBytes);
                    assertEquals(Failure.REJECTED, e.failure());
                    assertEquals(125, e.replyCode().orElseThrow());
                }
            }
        }
    }

    @Test
    void readsByteByByteAndAccepts250AsTheEndOfATransfer() throws Exception {
        byte[] content = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            c.readLine();
            c.sendLine("150 here it comes");
            serve(content);
            c.sendLine("250 requested file action okay, completed");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server); InputStream in = session.retrieve("a.bin")) {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                for (int b; (b = in.read()) >= 0; ) {
                    read.write(b);
                }
                assertArrayEquals(content, read.toByteArray());
                assertEquals(-1, in.read(), "still at its end");
            }
        }
    }

    @Test
    void asksForPasvDirectlyOnceEpsvWasRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            for (int i = 0; i < 2; i++) {
                String first = c.readLine();
                if (first.equals("EPSV")) {
                    c.sendLine("502 EPSV not implemented");
                    c.readLine();
                }
                c.sendLine(data.pasvReply("127,0,0,1"));
                c.readLine();
                c.sendLine("150 here it comes");
                serve("hello".getBytes(StandardCharsets.US_ASCII));
                c.sendLine("226 done");
            }
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                for (int i = 0; i < 2; i++) {
                    try (InputStream in = session.retrieve("a.txt")) {
                        assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    }
                }
            }
            assertEquals(1, server.received().stream().filter(l -> l.endsWith("EPSV")).count(), "EPSV asked once");
        }
    }

    @Test
    void refusesATransferWhenEpsvFailsTemporarily() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            c.readLine();
            c.sendLine("425 cannot open a passive port now");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.retrieve("a.txt"));
                assertEquals(Failure.REJECTED, e.failure());
                assertEquals(425, e.replyCode().orElseThrow());
                assertFalse(server.received().stream().anyMatch(l -> l.endsWith("PASV")), "a 4xx is no refusal");
            }
        }
    }

    /** A completion reply instead of 1xx means no transfer: the data connection made for it is closed. */
    @ParameterizedTest
    @ValueSource(ints = {200, 550})
    void refusesATransferAnsweredWithoutAPreliminaryReply(int code) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            c.readLine();
            c.sendLine(code + " not sending anything");
            assertEquals(-1, data.readToEnd(), "closed by the client");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> session.retrieve("a.txt"));
                assertEquals(Failure.REJECTED, e.failure());
                assertEquals(code, e.replyCode().orElseThrow());
                assertFalse(session.socket().isClosed(), "the session goes on");
            }
            server.awaitScript(Duration.ofSeconds(15)); // its assertion that the data connection was closed
        }
    }

    @Test
    void uploadsByteByByteAndRefusesWritesAfterClose() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            assertEquals("STOR up.bin", c.readLine());
            c.sendLine("150 send it");
            try (SSLSocket tls = data.acceptTls(SERVER)) {
                tls.getInputStream().transferTo(received); // until the client's close_notify
            }
            c.sendLine("226 stored");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                OutputStream out = session.store("up.bin");
                out.write(0xff);
                out.write(0x80);
                out.write("rest".getBytes(StandardCharsets.US_ASCII), 1, 2);
                out.flush();
                out.close();
                assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0x80, 'e', 's'}, received.toByteArray());
                IOException e = assertThrows(IOException.class, () -> out.write(1));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
                out.close(); // a second close reads no second reply
            }
        }
    }

    @Test
    void reportsAnUploadTheServerDidNotStore() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            c.readLine();
            c.sendLine("150 send it");
            try (SSLSocket tls = data.acceptTls(SERVER)) {
                tls.getInputStream().transferTo(OutputStream.nullOutputStream());
            }
            c.sendLine("452 disk full");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                OutputStream out = session.store("up.bin");
                out.write(new byte[100]);
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, out::close);
                assertEquals(Failure.REJECTED, e.failure());
                assertEquals(452, e.replyCode().orElseThrow());
            }
        }
    }

    @Test
    void letsTheCallerAbandonADownloadAndGoOn() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            upToLogin(c);
            epsv(c);
            c.readLine();
            c.sendLine("150 here it comes");
            try (SSLSocket tls = data.acceptTls(SERVER)) {
                tls.getOutputStream().write(new byte[100_000]);
            } catch (IOException cutOffByTheClient) {
                // expected: the client stopped reading and closed
            }
            c.sendLine("426 transfer aborted");
            assertEquals("SIZE a.txt", c.readLine());
            c.sendLine("213 5");
            c.readUntilClosed();
        })) {
            try (FtpSession session = loggedIn(server)) {
                InputStream in = session.retrieve("a.txt");
                assertEquals(0, in.read());
                in.close(); // abandoned: the 426 that follows is no failure
                assertEquals(-1, in.read(), "nothing after close");
                assertEquals(5, session.size("a.txt"), "the session goes on");
            }
        }
    }
}
