package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.starttls.imap.ImapScripts.GREETING;
import static dev.starttls.imap.ImapScripts.tagOf;
import static dev.starttls.imap.ImapScripts.upgrades;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every way an IMAP server (or an attacker in front of it) can break the upgrade, each with its failure kind. */
class ImapFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final CertificateAuthority ca = CertificateAuthority.create();
    /** Scripted servers answer at once: a client left waiting by a defect fails in seconds, not at the 30 s default. */
    private final TlsPolicy policy = ca.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(3)).build();

    private static TlsUpgradeException fails(Failure expected, ScriptedServer server, TlsPolicy policy)
            throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> ImapTls.upgrade(socket, "localhost", policy));
        assertEquals(expected, e.failure(), e.toString());
        assertTrue(socket.isClosed(), "the socket must be closed after a failed upgrade");
        return e;
    }

    /** Greets with STARTTLS in the capability code, reads STARTTLS and answers with {@code answer(tag)}. */
    private static ScriptedServer answersStartTls(java.util.function.Function<String, String> answer) {
        return ScriptedServer.start(c -> {
            c.sendLine(GREETING);
            String tag = tagOf(c.readLine());
            c.send(answer.apply(tag));
            c.readUntilClosed();
        });
    }

    @Test
    void noStartTlsAnnouncedIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* OK ready");
            String tag = tagOf(c.readLine()); // CAPABILITY: the greeting had no capability code
            c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.STARTTLS_NOT_OFFERED, server, policy);
            assertEquals(1, server.receivedInClear().size());
            assertTrue(server.receivedInClear().get(0).endsWith(" CAPABILITY"), server.receivedInClear().toString());
        }
    }

    @Test
    void startTlsAnsweredNoIsRefused() throws Exception {
        try (ScriptedServer server = answersStartTls(tag -> tag + " NO not now\r\n")) {
            assertTrue(fails(Failure.STARTTLS_REFUSED, server, policy).reply().orElseThrow().endsWith(" NO not now"));
        }
    }

    @Test
    void startTlsAnsweredBadIsRefused() throws Exception {
        try (ScriptedServer server = answersStartTls(tag -> tag + " BAD unknown command\r\n")) {
            fails(Failure.STARTTLS_REFUSED, server, policy);
        }
    }

    @Test
    void startTlsAnsweredWithAContinuationIsAProtocolFailure() throws Exception {
        // only a tagged OK with our tag is the go-ahead (RFC 3501 6.2.1); a continuation here is nonsense
        try (ScriptedServer server = answersStartTls(tag -> "+ go ahead\r\n")) {
            fails(Failure.PROTOCOL, server, policy);
        }
    }

    @Test
    void anAnswerWithAGuessedTagIsProtocol() throws Exception {
        try (ScriptedServer server = answersStartTls(tag -> "A001 OK begin TLS\r\n")) {
            fails(Failure.PROTOCOL, server, policy);
        }
    }

    @Test
    void aWholeLineInjectedAfterTheTaggedOkIsInjection() throws Exception {
        try (ScriptedServer server = answersStartTls(tag -> tag + " OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void aPartialLineInjectedAfterTheTaggedOkIsInjection() throws Exception {
        try (ScriptedServer server = answersStartTls(tag -> tag + " OK begin TLS\r\n* CAPA")) {
            fails(Failure.INJECTION, server, policy);
        }
    }

    @Test
    void aPreauthGreetingIsRefusedWhenTlsIsRequired() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* PREAUTH [CAPABILITY IMAP4rev1] logged in as alice");
            c.readUntilClosed();
        })) {
            assertTrue(fails(Failure.STARTTLS_NOT_OFFERED, server, policy).getMessage().contains("PREAUTH"));
            assertTrue(server.receivedInClear().isEmpty(), server.receivedInClear().toString());
        }
    }

    @Test
    void untaggedResponsesInjectedBeforeTheTaggedOkAreDiscarded() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        List<String> clientLines = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine(GREETING);
            String tag = tagOf(c.readLine());
            clientLines.add(tag);
            c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN XINJECTED\r\n* OK [ALERT] injected alert\r\n"
                    + tag + " OK begin TLS\r\n");
            c.startTls(cert);
            String capa = tagOf(c.readLine());
            c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + capa + " OK done\r\n");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(imap.isTls());
            assertEquals(java.util.List.of("IMAP4REV1", "AUTH=PLAIN"), imap.capabilities());
            assertNotEquals("A001", clientLines.get(0), "the STARTTLS tag is not a guessable A001");
            assertTrue(clientLines.get(0).length() >= 8, clientLines.get(0));
        }
    }

    @Test
    void theGreetingCapabilityCodeSavesARoundTrip() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> c.readUntilClosed());
                ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(imap.isTls());
            assertEquals(1, server.receivedInClear().size(), "only STARTTLS before TLS: " + server.received());
            assertTrue(server.receivedInClear().get(0).endsWith(" STARTTLS"));
        }
    }

    @Test
    void loginDisabledAfterTlsIsHonoured() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1 LOGINDISABLED AUTH=PLAIN",
                c -> c.readUntilClosed());
                ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertEquals(Failure.REJECTED,
                    assertThrows(TlsUpgradeException.class, () -> imap.login("alice", "secret")).failure());
            imap.socket().close();
            server.awaitScript(WAIT);
            assertFalse(server.received().stream().anyMatch(l -> l.contains("LOGIN")), server.received().toString());
        }
    }

    @Test
    void loginDisabledBeforeTlsDoesNotStopTheUpgrade() throws Exception {
        // the greeting says LOGINDISABLED (before TLS); after TLS the server allows LOGIN
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            String login = c.readLine();
            c.sendLine(tagOf(login) + " OK logged in");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            imap.login("alice", "sec\"ret");
            assertTrue(server.received().stream().anyMatch(l -> l.endsWith("LOGIN \"alice\" \"sec\\\"ret\"")),
                    server.received().toString());
        }
    }

    @Test
    void aNonAsciiPasswordIsSentAsALiteralAfterTheContinuation() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            String first = c.readLine(); // tag LOGIN "alice" {n}
            c.sendLine("+ ready for literal");
            String rest = c.readLine(); // the literal's bytes, then the line end
            c.sendLine(tagOf(first) + " OK logged in");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            imap.login("alice", "pässwörd");
            List<String> received = server.received();
            int bytes = "pässwörd".getBytes(StandardCharsets.UTF_8).length;
            assertTrue(received.stream().anyMatch(l -> l.endsWith("LOGIN \"alice\" {" + bytes + "}")), received.toString());
        }
    }

    @Test
    void anOversizedLiteralIsLimitAndNeverAllocated() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024 * 1024).build();
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            String login = c.readLine();
            c.sendLine(tagOf(login) + " OK logged in");
            String fetch = c.readLine();
            c.sendLine("* 1 FETCH (BODY[] {2000000000}");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", small)) {
            imap.login("alice", "secret");
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void endlessUntaggedResponsesAreLimit() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            c.readLine(); // SELECT
            c.send("* 1 RECENT\r\n".repeat(5000));
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertEquals(Failure.LIMIT, assertThrows(TlsUpgradeException.class, () -> imap.select("INBOX")).failure());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void anExistsCountBeyondIntIsProtocol() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            String select = c.readLine();
            c.send("* 99999999999 EXISTS\r\n" + tagOf(select) + " OK [READ-WRITE] done\r\n");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.select("INBOX"));
            assertEquals(Failure.PROTOCOL, e.failure());
            assertTrue(e.getMessage().contains("99999999999"), e.getMessage());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void literalsBeyondThePlaintextBudgetInOneGreetingAreLimit() throws Exception {
        String literal = "x".repeat(40 * 1024);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            // three literals, each far below maxMessageSize, together more than a plaintext greeting may carry
            c.send("* OK [CAPABILITY IMAP4rev1 STARTTLS] a {" + literal.length() + "}\r\n" + literal
                    + " b {" + literal.length() + "}\r\n" + literal + " c {" + literal.length() + "}\r\n" + literal
                    + "\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.LIMIT, server, policy);
            assertTrue(server.receivedInClear().isEmpty(), server.receivedInClear().toString());
        }
    }

    @Test
    void literalsBeyondThePlaintextBudgetAcrossResponsesAreLimit() throws Exception {
        String literal = "x".repeat(40 * 1024);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("* OK hello {" + literal.length() + "}\r\n" + literal + "\r\n");
            String tag = tagOf(c.readLine()); // CAPABILITY
            c.send("* CAPABILITY IMAP4rev1 STARTTLS\r\n* NOTE {" + literal.length() + "}\r\n" + literal + "\r\n"
                    + tag + " OK done\r\n");
            c.readUntilClosed();
        })) {
            fails(Failure.LIMIT, server, policy);
        }
    }

    @Test
    void literalsAreBoundedPerResponseNotPerLiteral() throws Exception {
        TlsPolicy small = policy.newBuilder().maxMessageSize(1024 * 1024).build();
        String literal = "x".repeat(600 * 1024);
        try (ScriptedServer server = upgrades(ca.issue("localhost"), "IMAP4rev1", c -> {
            String fetch = c.readLine();
            c.send("* 1 FETCH (BODY[] {" + literal.length() + "}\r\n" + literal + " BODY[1] {" + literal.length()
                    + "}\r\n" + literal + ")\r\n" + tagOf(fetch) + " OK done\r\n");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", small)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> imap.fetch(1));
            assertEquals(Failure.LIMIT, e.failure(), e.toString());
            assertTrue(imap.socket().isClosed());
        }
    }

    @Test
    void aDrippingGreetingAndLiteralCannotStretchTheReplyDeadline() throws Exception {
        TlsPolicy impatient = policy.newBuilder().readTimeout(Duration.ofMillis(1000)).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            // the line and the literal each arrive within the read timeout, the whole reply does not
            c.drip("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi {8}\r\n", Duration.ofMillis(15));
            c.drip("1234567", Duration.ofMillis(120));
            c.send("8\r\n"); // the line after the literal arrives with its last byte: already buffered
            c.readUntilClosed();
        })) {
            fails(Failure.TIMEOUT, server, impatient);
            assertTrue(server.receivedInClear().isEmpty(), "STARTTLS must not follow a late greeting: "
                    + server.receivedInClear());
        }
    }

    @Test
    void aContinuationSentWithTheGreetingIsNotAGoAhead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(GREETING + "\r\n+ OK\r\n"); // before any command existed
            c.readUntilClosed();
        })) {
            fails(Failure.PROTOCOL, server, policy);
        }
    }

    @Test
    void keywordsAreCaseInsensitive() throws Exception {
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* ok [capability imap4rev1 starttls] lower-case server");
            String tag = tagOf(c.readLine());
            c.sendLine(tag + " ok begin TLS");
            c.startTls(cert);
            String capa = tagOf(c.readLine());
            c.send("* capability imap4rev1\r\n" + capa + " ok done\r\n");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(imap.isTls());
            assertTrue(imap.capabilities().contains("IMAP4REV1"), imap.capabilities().toString());
        }
    }

    @Test
    void capabilityAnsweredBadIsStartTlsNotOffered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* OK ready");
            String tag = tagOf(c.readLine()); // CAPABILITY
            c.sendLine(tag + " BAD unknown command");
            c.readUntilClosed();
        })) {
            fails(Failure.STARTTLS_NOT_OFFERED, server, policy);
        }
    }

    @Test
    void aNegativeLiteralIsProtocolAtOnce() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi {-1}");
            c.readUntilClosed();
        })) {
            long start = System.nanoTime();
            fails(Failure.PROTOCOL, server, policy.newBuilder().readTimeout(Duration.ofSeconds(5)).build());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "refused at once, not at the deadline");
        }
    }

    @Test
    void aByeGreetingIsRejected() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* BYE too busy");
            c.readUntilClosed();
        })) {
            fails(Failure.REJECTED, server, policy);
        }
    }

    @Test
    void aWrongHostCertificateIsCertificate() throws Exception {
        try (ScriptedServer server = upgrades(ca.issue("imap.example.com"), "IMAP4rev1", c -> c.readUntilClosed())) {
            fails(Failure.CERTIFICATE, server, policy);
        }
    }

    @Test
    void opportunisticModeAcceptsPreauthButKeepsCredentialsBack() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* PREAUTH [CAPABILITY IMAP4rev1] welcome");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost",
                policy.newBuilder().opportunistic(true).build())) {
            assertFalse(imap.isTls());
            assertTrue(imap.toString().contains("plaintext"), imap.toString());
            assertEquals(Failure.STARTTLS_NOT_OFFERED,
                    assertThrows(TlsUpgradeException.class, () -> imap.login("alice", "secret")).failure());
        }
    }

    @Test
    void anEmptyOrUnclosedCapabilityCodeFallsBackToTheCapabilityCommand() throws Exception {
        for (String greeting : List.of("* OK [CAPABILITY ] ready", "* OK [CAPABILITY IMAP4rev1 STARTTLS ready")) {
            HeldCertificate cert = ca.issue("localhost");
            try (ScriptedServer server = ScriptedServer.start(c -> {
                c.sendLine(greeting);
                String capability = tagOf(c.readLine());
                c.send("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + capability + " OK done\r\n");
                ImapScripts.acceptStartTls(c, cert, "IMAP4rev1");
                c.readUntilClosed();
            }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
                assertTrue(imap.isTls(), greeting);
                assertEquals(List.of("IMAP4REV1", "STARTTLS"), imap.report().capabilitiesBeforeTls(), greeting);
            }
        }
    }

    @Test
    void capabilityAnsweredWithAnUnknownStatusIsProtocol() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("* OK ready");
            String tag = tagOf(c.readLine());
            c.send("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + " MAYBE later\r\n");
            c.readUntilClosed();
        })) {
            assertTrue(fails(Failure.PROTOCOL, server, policy).getMessage().contains("MAYBE later"));
        }
    }

    @Test
    void opportunisticModeFallsBackOnARefusalButNotOnAnUnknownAnswer() throws Exception {
        TlsPolicy opportunistic = policy.newBuilder().opportunistic(true).build();
        try (ScriptedServer server = answersStartTls(tag -> tag + " NO [UNAVAILABLE] not now\r\n");
                ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", opportunistic)) {
            assertFalse(imap.isTls());
        }
        try (ScriptedServer server = answersStartTls(tag -> tag + " MAYBE later\r\n")) {
            TlsUpgradeException e = fails(Failure.STARTTLS_REFUSED, server, opportunistic);
            assertTrue(e.getMessage().contains("did not give its go-ahead"), e.getMessage());
        }
    }

    @Test
    void literalsAfterTheHandshakeAreNotChargedToThePlaintextBudget() throws Exception {
        // 40 KiB in clear and 40 KiB inside TLS: together over the 64 KiB plaintext budget, each phase within its own
        String literal = "x".repeat(40 * 1024);
        HeldCertificate cert = ca.issue("localhost");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("* OK [CAPABILITY IMAP4rev1 STARTTLS] hello {" + literal.length() + "}\r\n" + literal + "\r\n");
            String tag = tagOf(c.readLine());
            c.sendLine(tag + " OK begin TLS");
            c.startTls(cert);
            String capa = tagOf(c.readLine());
            c.send("* CAPABILITY IMAP4rev1\r\n* NOTE {" + literal.length() + "}\r\n" + literal + "\r\n"
                    + capa + " OK done\r\n");
            c.readUntilClosed();
        }); ImapSession imap = ImapTls.upgrade(new Socket("localhost", server.port()), "localhost", policy)) {
            assertTrue(imap.isTls());
            assertEquals(List.of("IMAP4REV1"), imap.capabilities());
        }
    }
}
