package dev.starttls.imap;

import static dev.starttls.imap.ImapScripts.tagOf;
import static dev.starttls.imap.ImapScripts.upgrades;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the session commands put on the wire (quoting, literals, modified UTF-7) and how they read odd but possible
 * answers, against scripted servers inside TLS; every limit is tried at its boundary from both sides.
 */
class ImapSessionWireTest {
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate cert = ca.issue("localhost");
    /** Scripted servers answer at once: a client left waiting by a defect fails in seconds, not at the 30 s default. */
    private final TlsPolicy policy = ca.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(3)).build();

    private ImapSession session(ScriptedServer server, TlsPolicy policy) throws Exception {
        return ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy);
    }

    /** A server that answers the first command after the upgrade with {@code answer(tag)}. */
    private ScriptedServer answersOneCommand(java.util.function.Function<String, String> answer) {
        return upgrades(cert, "IMAP4rev1", c -> {
            String command = c.readLine();
            c.send(answer.apply(tagOf(command)));
            c.readUntilClosed();
        });
    }

    /** A server that logs in whatever arrives (one literal at most) and records nothing else. */
    private ScriptedServer logsIn() {
        return upgrades(cert, "IMAP4rev1", c -> {
            String login = c.readLine();
            if (login.endsWith("}")) {
                c.sendLine("+ go ahead");
                c.readLine(); // the literal and the line's end
            }
            c.sendLine(tagOf(login) + " OK logged in");
            c.readUntilClosed();
        });
    }

    private static String loginLine(ScriptedServer server) {
        return server.received().stream().filter(l -> l.contains(" LOGIN ")).findFirst().orElseThrow();
    }

    @Test
    void printableCredentialsAreSentQuotedAndNonPrintableOnesAsLiterals() throws Exception {
        // RFC 3501 4.3/4.5: a quoted string holds printable ASCII; anything else (control characters, DEL, 8-bit) is
        // sent as a literal. Space and tilde are the ends of the printable range.
        String[][] cases = {
            {"alice smith", "~tilde~", "LOGIN \"alice smith\" \"~tilde~\""},
            {"alice", "tab\there", "LOGIN \"alice\" {8}"},
            {"alice", "del\u007f", "LOGIN \"alice\" {4}"},
            {"alice", "\u001f", "LOGIN \"alice\" {1}"},
        };
        for (String[] c : cases) {
            try (ScriptedServer server = logsIn(); ImapSession imap = session(server, policy)) {
                imap.login(c[0], c[1]);
                assertTrue(loginLine(server).endsWith(c[2]), c[1] + ": " + server.received());
            }
        }
    }

    @Test
    void aCredentialOfAThousandCharactersIsSentAsALiteral() throws Exception {
        String shortEnough = "p".repeat(999);
        try (ScriptedServer server = logsIn(); ImapSession imap = session(server, policy)) {
            imap.login("alice", shortEnough);
            assertTrue(loginLine(server).endsWith("\"" + shortEnough + "\""), "999 characters are quoted");
        }
        try (ScriptedServer server = logsIn(); ImapSession imap = session(server, policy)) {
            imap.login("alice", "p".repeat(1000));
            assertTrue(loginLine(server).endsWith("LOGIN \"alice\" {1000}"), server.received().toString());
        }
    }

    @Test
    void theLiteralIsSentOnlyAfterTheContinuationAndArrivesIntact() throws Exception {
        String password = "pässwörd";
        byte[] expected = password.getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.CompletableFuture<byte[]> literal = new java.util.concurrent.CompletableFuture<>();
        try (ScriptedServer server = upgrades(cert, "IMAP4rev1", c -> {
            String login = c.readLine();
            c.sendLine("+ go ahead");
            literal.complete(c.readBytes(expected.length));
            c.readLine(); // the end of the command line
            c.sendLine(tagOf(login) + " OK logged in");
            c.readUntilClosed();
        }); ImapSession imap = session(server, policy)) {
            imap.login("alice", password);
            assertArrayEquals(expected, literal.get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aLoginRefusedBeforeTheLiteralNeverSendsThePassword() throws Exception {
        try (ScriptedServer server = upgrades(cert, "IMAP4rev1", c -> {
            String login = c.readLine();
            c.sendLine(tagOf(login) + " NO [AUTHENTICATIONFAILED] no such user");
            c.readUntilClosed();
        }); ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.login("mallory", "pässwörd"));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("no such user"), e.getMessage());
            imap.socket().close();
            server.awaitScript(Duration.ofSeconds(10));
            assertFalse(server.received().stream().anyMatch(l -> l.contains("p\u00c3")), server.received().toString());
            assertEquals(3, server.received().size(), "STARTTLS, CAPABILITY, LOGIN only: " + server.received());
        }
    }

    @Test
    void lineBreaksAndNulInArgumentsAreRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedServer server = upgrades(cert, "IMAP4rev1", c -> c.readUntilClosed()); ImapSession imap = session(server, policy)) {
            assertThrows(IllegalArgumentException.class, () -> imap.login("alice\r\n", "secret"));
            assertThrows(IllegalArgumentException.class, () -> imap.login("alice", "sec\nret"));
            assertThrows(IllegalArgumentException.class, () -> imap.select("INBOX\r\nA1 DELETE INBOX"));
            assertThrows(IllegalArgumentException.class, () -> imap.select("IN\0BOX"));
            imap.socket().close();
            server.awaitScript(Duration.ofSeconds(10));
            assertEquals(2, server.received().size(), "only STARTTLS and CAPABILITY: " + server.received());
        }
    }

    @Test
    void mailboxNamesAreSentInModifiedUtf7AndQuoted() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 4 EXISTS\r\n" + tag + " OK [READ-WRITE] done\r\n");
                ImapSession imap = session(server, policy)) {
            assertEquals(4, imap.select("Entwürfe/\"Q\" & A"));
            String select = server.received().get(2);
            assertTrue(select.endsWith(" SELECT \"Entw&APw-rfe/\\\"Q\\\" &- A\""), select);
        }
    }

    @Test
    void theLastExistsCountIsTheMailboxSize() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 3 EXISTS\r\n* 0 RECENT\r\n* 5 exists\r\n"
                + tag + " OK [READ-WRITE] done\r\n"); ImapSession imap = session(server, policy)) {
            assertEquals(5, imap.select("INBOX"));
        }
    }

    @Test
    void theLargestIntExistsCountIsAccepted() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 2147483647 EXISTS\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            assertEquals(Integer.MAX_VALUE, imap.select("INBOX"));
        }
    }

    @Test
    void anExistsCountOneBeyondIntOrBeyondLongIsProtocol() throws Exception {
        for (String count : List.of("2147483648", "99999999999999999999999")) {
            try (ScriptedServer server = answersOneCommand(tag -> "* " + count + " EXISTS\r\n" + tag + " OK done\r\n");
                    ImapSession imap = session(server, policy)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.select("INBOX"));
                assertEquals(Failure.PROTOCOL, e.failure());
                assertTrue(e.getMessage().contains(count), e.getMessage());
                assertTrue(imap.socket().isClosed());
            }
        }
    }

    @Test
    void aSelectWithoutExistsIsProtocol() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* FLAGS (\\Seen)\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.select("INBOX"));
            assertEquals(Failure.PROTOCOL, e.failure());
            assertTrue(e.getMessage().contains("without an EXISTS count"), e.getMessage());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void fetchSendsBodyPeekAndSkipsResponsesAboutOtherMessages() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 12 FETCH (BODY[] {5}\r\nwrong)\r\n"
                + "* 1 FETCH (FLAGS (\\Seen))\r\n* 1 FETCH (BODY[] {5}\r\nright)\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            assertEquals("right", new String(imap.fetch(1), StandardCharsets.US_ASCII));
            assertTrue(server.received().get(2).endsWith(" FETCH 1 (BODY.PEEK[])"), server.received().toString());
        }
    }

    @Test
    void aFetchAnsweredWithoutTheBodyIsProtocol() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 1 FETCH (FLAGS (\\Seen))\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.PROTOCOL, e.failure());
            assertTrue(e.getMessage().contains("without the message body"), e.getMessage());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void aFetchOfAMissingMessageAnsweredBadIsRejectedAndTheSessionStaysOpen() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> tag + " BAD Error in IMAP command FETCH: Invalid messageset\r\n");
                ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(2));
            assertEquals(Failure.REJECTED, e.failure());
            assertTrue(e.getMessage().contains("rejected FETCH") && e.getMessage().contains("Invalid messageset"),
                    e.getMessage());
            assertFalse(imap.socket().isClosed());
        }
    }

    @Test
    void aContinuationAfterTheWholeCommandIsAProtocolFailure() throws Exception {
        // nothing is left to send: a "+" here is not a go-ahead for anything (RFC 3501 7.5)
        try (ScriptedServer server = answersOneCommand(tag -> "+ send more\r\n");
                ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.PROTOCOL, e.failure(), e.toString());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void aZeroLengthLiteralIsAnEmptyMessage() throws Exception {
        try (ScriptedServer server = answersOneCommand(tag -> "* 1 FETCH (BODY[] {0}\r\n)\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            assertArrayEquals(new byte[0], imap.fetch(1));
        }
    }

    @Test
    void aMessageOfExactlyTheMaximumSizeIsRead() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(100_000).build();
        String body = "m".repeat(100_000);
        try (ScriptedServer server = answersOneCommand(tag -> "* 1 FETCH (BODY[] {100000}\r\n" + body + ")\r\n"
                + tag + " OK done\r\n"); ImapSession imap = session(server, small)) {
            assertEquals(body, new String(imap.fetch(1), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aMessageOneByteOverTheMaximumIsLimit() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(100_000).build();
        try (ScriptedServer server = answersOneCommand(tag -> "* 1 FETCH (BODY[] {100001}\r\n");
                ImapSession imap = session(server, small)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(e.getMessage().contains("100000") && e.getMessage().contains("100001"), e.getMessage());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void exactlyTheMaximumNumberOfUntaggedResponsesIsRead() throws Exception {
        TlsPolicy few = policy.newBuilder().maxReplyLines(10).build();
        try (ScriptedServer server = answersOneCommand(tag -> "* 0 RECENT\r\n".repeat(9) + "* 7 EXISTS\r\n"
                + tag + " OK done\r\n"); ImapSession imap = session(server, few)) {
            assertEquals(7, imap.select("INBOX"));
        }
        try (ScriptedServer server = answersOneCommand(tag -> "* 0 RECENT\r\n".repeat(10) + "* 7 EXISTS\r\n"
                + tag + " OK done\r\n"); ImapSession imap = session(server, few)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.select("INBOX"));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(e.getMessage().contains("more than 10 untagged"), e.getMessage());
        }
    }

    /**
     * One FETCH response of {@code literals} one-byte literals whose text (the lines without the literals) is
     * {@code textLength} characters long when its last literal is announced; no line is longer than 500.
     */
    private static String fetchResponse(int literals, int textLength) {
        StringBuilder wire = new StringBuilder("* 1 FETCH (BODY[] {1}\r\n");
        int text = "* 1 FETCH (BODY[] {1}".length();
        for (int i = 1; i < literals; i++) {
            int filler = Math.min(496, Math.max(1, textLength - text - 4 - (literals - 1 - i) * 5));
            wire.append('L').append("x".repeat(filler)).append(" {1}\r\n");
            text += filler + 4;
        }
        assertEquals(textLength, text, "the script's arithmetic");
        return wire.append("L)\r\n").toString();
    }

    private ScriptedServer answersFetchWith(String response) {
        return answersOneCommand(tag -> response + tag + " OK done\r\n");
    }

    @Test
    void aResponseWhoseTextReachesFourTimesTheLineLimitIsRead() throws Exception {
        // the text of one response (its lines together) may be 4 x maxLineLength = 2048 characters here
        TlsPolicy narrow = policy.newBuilder().maxLineLength(512).build();
        try (ScriptedServer server = answersFetchWith(fetchResponse(6, 2048)); ImapSession imap = session(server, narrow)) {
            assertEquals("L", new String(imap.fetch(1), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aResponseWhoseTextGoesOneCharacterBeyondIsLimit() throws Exception {
        TlsPolicy narrow = policy.newBuilder().maxLineLength(512).build();
        try (ScriptedServer server = answersFetchWith(fetchResponse(6, 2049)); ImapSession imap = session(server, narrow)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(e.getMessage().contains("too many parts"), e.getMessage());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void aResponseMayCarryAThousandLiteralsButNotMore() throws Exception {
        try (ScriptedServer server = answersFetchWith(fetchResponse(1000, 21 + 999 * 5));
                ImapSession imap = session(server, policy)) {
            assertEquals("L", new String(imap.fetch(1), StandardCharsets.US_ASCII));
        }
        try (ScriptedServer server = answersFetchWith(fetchResponse(1001, 21 + 1000 * 5));
                ImapSession imap = session(server, policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void aNonSynchronizingLiteralMarkerIsReadAsALiteral() throws Exception {
        // RFC 7888 {n+}: meant for clients, but a server using it still announces n bytes
        try (ScriptedServer server = answersFetchWith("* 1 FETCH (BODY[] {5+}\r\nhello)\r\n");
                ImapSession imap = session(server, policy)) {
            assertEquals("hello", new String(imap.fetch(1), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void bracesWithoutASizeAtALineEndAreText() throws Exception {
        // RFC 3501 9: a literal's size is digits only; "{}", "{-}" and "{1x}" are ordinary text
        try (ScriptedServer server = answersOneCommand(tag -> "* OK [ALERT] empty {}\r\n* OK [ALERT] dash {-}\r\n"
                + "* OK [ALERT] word {1x}\r\n* 2 EXISTS\r\n" + tag + " OK done\r\n");
                ImapSession imap = session(server, policy)) {
            assertEquals(2, imap.select("INBOX"));
        }
    }

    @Test
    void aLiteralSizeBeyondEveryBudgetIsLimitWhateverItsLength() throws Exception {
        for (String size : List.of("999999999999", "999999999999999999", "99999999999999999999999999")) {
            try (ScriptedServer server = answersOneCommand(tag -> "* 1 FETCH (BODY[] {" + size + "}\r\n");
                    ImapSession imap = session(server, policy)) {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
                assertEquals(Failure.LIMIT, e.failure(), size + ": " + e);
                assertTrue(e.getMessage().contains(size.length() > 18 ? "over 10^18" : size), e.getMessage());
                assertTrue(imap.socket().isClosed());
            }
        }
    }

    private ScriptedServer answersLogout() {
        return answersOneCommand(tag -> "* BYE see you\r\n" + tag + " OK LOGOUT completed\r\n");
    }

    @Test
    void closeSaysLogoutOnceAndClosesTheSocket() throws Exception {
        try (ScriptedServer server = answersLogout()) {
            ImapSession imap = session(server, policy);
            imap.close();
            assertTrue(imap.socket().isClosed());
            imap.close();
            server.awaitScript(Duration.ofSeconds(10));
            assertEquals(1, server.received().stream().filter(l -> l.endsWith(" LOGOUT")).count(),
                    server.received().toString());
        }
    }

    @Test
    void logoutSaysLogoutAndClosesTheSocket() throws Exception {
        try (ScriptedServer server = answersLogout()) {
            ImapSession imap = session(server, policy);
            imap.logout();
            assertTrue(imap.socket().isClosed());
            server.awaitScript(Duration.ofSeconds(10));
            assertTrue(server.received().get(2).endsWith(" LOGOUT"), server.received().toString());
        }
    }
}
