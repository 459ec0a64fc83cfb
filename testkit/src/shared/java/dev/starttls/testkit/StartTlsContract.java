package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The hostile-server contract every STARTTLS protocol must pass, in the style of Netty's abstract
 * {@code SSLEngineTest}: a protocol (this library's or your own) supplies a short {@link ServerScript} of its dialogue
 * and how its client upgrades and logs in; the contract plays a hostile server for each attack class of "Why TLS is
 * better without STARTTLS" (USENIX Security 2021) and the certificate and handshake failures, and asserts the failure
 * kind, that the socket is closed, and that no credential left the client in clear.
 *
 * <pre>{@code
 * class SmtpContractTest extends StartTlsContract {
 *     protected ServerScript script() { return new SmtpScript(); }
 *     protected TlsSession upgrade(Socket s, String host, TlsPolicy p) throws TlsUpgradeException {
 *         return SmtpTls.upgrade(s, host, p);
 *     }
 *     protected void login(TlsSession s, String user, String password) throws TlsUpgradeException {
 *         ((SmtpSession) s).authPlain(user, password);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test starts its own servers on loopback; subclasses may run in parallel.
 *
 * @since 0.1
 */
public abstract class StartTlsContract {
    /** The password the contract's logins use; it must never appear in what the server read in clear. */
    protected static final String PASSWORD = "c0ntract-s3cret";
    // short enough that silence fails fast, long enough for a loaded 2-core CI machine to answer in time
    private static final Duration QUICK = Duration.ofMillis(1500);

    /** How a protocol's server speaks, for the contract's scripted servers. Lines sent include their CRLF. */
    public interface ServerScript {
        /** Sends the greeting. */
        void greet(ScriptedServer.Conversation c) throws Exception;

        /** Whether the protocol announces the upgrade in its capabilities (FTP does not: AUTH TLS is just tried). */
        default boolean announcesUpgrade() {
            return true;
        }

        /** Reads the client's capability request, if the protocol has one before the upgrade, and answers it. */
        void capabilities(ScriptedServer.Conversation c, boolean offerUpgrade) throws Exception;

        /** Reads the upgrade command; returns what the answers need (the IMAP tag), or an empty string. */
        String readUpgradeCommand(ScriptedServer.Conversation c) throws Exception;

        /** The go-ahead, with its CRLF. */
        String goAhead(String context);

        /** The protocol's negative answer, with its CRLF. */
        String refusal(String context);

        /** A well-formed answer that is neither; the default is a continuation line, nonsense in every protocol. */
        default String unexpected(String context) {
            return "+ go ahead\r\n";
        }

        /** Inside TLS: reads what the client sends after the handshake up to its capability request, and answers. */
        void afterTls(ScriptedServer.Conversation c) throws Exception;

        /** One line of a multi-line answer to the capability request that never ends. */
        String endlessCapabilityLine();

        /** What precedes those lines (POP3's {@code +OK}); nothing by default. */
        default String endlessCapabilityStart() {
            return "";
        }
    }

    /** The protocol's server script. */
    protected abstract ServerScript script();

    /** The protocol's in-place upgrade on a connected socket. */
    protected abstract TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException;

    /** Logs in with the protocol's credential command (AUTH PLAIN, USER/PASS, LOGIN, an HTTP Authorization). */
    protected abstract void login(TlsSession session, String user, String password) throws TlsUpgradeException;

    /**
     * Whether an opportunistic policy goes on in plaintext after a refusal. True for the mail protocols and FTP;
     * an upgrade that never falls back (RFC 2817) returns false, and the contract then checks that it fails even
     * when opportunistic.
     */
    protected boolean fallsBack() {
        return true;
    }

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate localhost = ca.issue("localhost");

    /** A policy trusting the contract's CA, with short timeouts so that silence fails fast. */
    protected TlsPolicy policy() {
        return ca.trustingPolicy().newBuilder().readTimeout(QUICK).handshakeTimeout(Duration.ofSeconds(5)).build();
    }

    private TlsPolicy opportunistic() {
        return policy().newBuilder().opportunistic(true).build();
    }

    /** Greeting, capabilities, upgrade command; returns the context of the upgrade command. */
    private String upToTheUpgrade(ScriptedServer.Conversation c, boolean offer) throws Exception {
        script().greet(c);
        script().capabilities(c, offer);
        return script().readUpgradeCommand(c);
    }

    /** A server that says {@code answer(context)} after the upgrade command, then waits. */
    private ScriptedServer answering(java.util.function.Function<String, String> answer) {
        return ScriptedServer.start(c -> {
            c.send(answer.apply(upToTheUpgrade(c, true)));
            c.readUntilClosed();
        });
    }

    /** A server that gives the go-ahead and presents {@code certificate}. */
    private ScriptedServer presenting(HeldCertificate certificate) {
        return ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.startTls(certificate);
            c.readUntilClosed();
        });
    }

    /** Upgrades, expects {@code kinds}, and checks the socket is closed and no password was sent in clear. */
    private TlsUpgradeException fails(ScriptedServer server, TlsPolicy policy, Failure... kinds) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> {
            try (TlsSession session = upgrade(socket, "localhost", policy)) {
                login(session, "alice", PASSWORD);
            }
        });
        assertTrue(Set.of(kinds).contains(e.failure()), "expected " + List.of(kinds) + " but was " + e);
        assertTrue(socket.isClosed(), "a failed upgrade leaves the socket closed");
        assertNothingSecretInClear(server);
        return e;
    }

    private static void assertNothingSecretInClear(ScriptedServer server) {
        // the password as such, as SASL PLAIN (RFC 4616) and as HTTP Basic (RFC 7617)
        List<String> secrets = List.of(PASSWORD, base64("\0alice\0" + PASSWORD), base64("alice:" + PASSWORD));
        for (String line : server.receivedInClear()) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "a credential crossed the network in clear: " + line);
            }
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the upgrade works, and only what was learned inside TLS counts ----

    @Test
    void upgradesAndSendsCredentialsOnlyInsideTls() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.startTls(localhost);
            script().afterTls(c);
            c.readUntilClosed();
        }); TlsSession session = upgrade(new Socket(InetAddress.getLoopbackAddress(), server.port()), "localhost",
                policy())) {
            assertTrue(session.isTls());
            assertTrue(session.handshake().isPresent());
            assertNothingSecretInClear(server);
        }
    }

    // ---- stripping, refusals, unexpected answers ----

    @Test
    void aStrippedUpgradeCapabilityIsStartTlsNotOffered() throws Exception {
        assumeTrue(script().announcesUpgrade(), "the protocol does not announce its upgrade");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            script().greet(c);
            script().capabilities(c, false);
            c.readUntilClosed();
        })) {
            fails(server, policy(), Failure.STARTTLS_NOT_OFFERED);
        }
    }

    @Test
    void anOpportunisticFallbackRefusesToSendCredentialsInClear() throws Exception {
        assumeTrue(fallsBack(), "the upgrade never falls back to plaintext");
        try (ScriptedServer server = answering(script()::refusal)) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            try (TlsSession session = upgrade(socket, "localhost", opportunistic())) {
                assertFalse(session.isTls());
                Executable loginInClear = () -> login(session, "alice", PASSWORD);
                assertThrows(TlsUpgradeException.class, loginInClear);
            }
            assertNothingSecretInClear(server);
        }
    }

    @Test
    void anUpgradeThatNeverFallsBackFailsOnARefusalEvenWhenOpportunistic() throws Exception {
        assumeFalse(fallsBack(), "the upgrade falls back when opportunistic");
        try (ScriptedServer server = answering(script()::refusal)) {
            fails(server, opportunistic(), Failure.STARTTLS_REFUSED);
        }
    }

    @Test
    void aRefusedUpgradeIsStartTlsRefusedWhenTlsIsRequired() throws Exception {
        try (ScriptedServer server = answering(script()::refusal)) {
            fails(server, policy(), Failure.STARTTLS_REFUSED);
        }
    }

    @Test
    void anUnexpectedAnswerToTheUpgradeFailsEvenWhenOpportunistic() throws Exception {
        try (ScriptedServer server = answering(script()::unexpected)) {
            fails(server, opportunistic(), Failure.STARTTLS_REFUSED, Failure.PROTOCOL);
        }
    }

    @Test
    void aRefusalFollowedByAPipelinedFakeGoAheadIsStillARefusal() throws Exception {
        try (ScriptedServer server = answering(ctx -> script().refusal(ctx) + script().goAhead(ctx))) {
            fails(server, policy(), Failure.STARTTLS_REFUSED);
        }
    }

    // ---- plaintext injected after the go-ahead ----

    @Test
    void aWholeLineInjectedAfterTheGoAheadIsInjection() throws Exception {
        try (ScriptedServer server = answering(ctx -> script().goAhead(ctx) + "INJECTED forged reply\r\n")) {
            fails(server, policy(), Failure.INJECTION);
        }
    }

    @Test
    void aPartialLineInjectedAfterTheGoAheadIsInjection() throws Exception {
        try (ScriptedServer server = answering(ctx -> script().goAhead(ctx) + "INJ")) {
            fails(server, policy(), Failure.INJECTION);
        }
    }

    @Test
    void bytesInjectedInALaterSegmentFailTheUpgrade() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.readBytes(5); // the ClientHello has started: inject now, in its own segment
            c.send("INJECTED forged reply\r\n");
            c.readUntilClosed();
        })) {
            // too late for the pending-bytes check: it arrives in the middle of the handshake and breaks it
            fails(server, policy(), Failure.INJECTION, Failure.HANDSHAKE, Failure.CLOSED);
        }
    }

    // ---- limits, dripping, silence, early close ----

    @Test
    void anOverlongGreetingLineIsLimit() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send("x".repeat(policy().maxLineLength() + 10) + "\r\n");
            c.readUntilClosed();
        })) {
            fails(server, policy(), Failure.LIMIT, Failure.PROTOCOL);
        }
    }

    @Test
    void anEndlessCapabilityAnswerIsLimitedNotBuffered() throws Exception {
        assumeTrue(script().announcesUpgrade(), "the protocol asks no capabilities before the upgrade");
        TlsPolicy fewLines = policy().newBuilder().maxReplyLines(50).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            script().greet(c);
            c.readLine(); // the capability request
            c.send(script().endlessCapabilityStart());
            String line = script().endlessCapabilityLine();
            for (int i = 0; i < 200; i++) {
                c.send(line);
            }
            c.readUntilClosed();
        })) {
            fails(server, fewLines, Failure.LIMIT);
        }
    }

    @Test
    void aDrippingServerIsBoundedByOneDeadlinePerReply() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.drip("x".repeat(400), Duration.ofMillis(20)); // 8 s for one line: far past the 1.5 s deadline
            c.readUntilClosed();
        })) {
            long start = System.nanoTime();
            fails(server, policy(), Failure.TIMEOUT);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0,
                    "one deadline for the whole reply, not per byte");
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ScriptedServer.Conversation::readUntilClosed)) {
            fails(server, policy(), Failure.TIMEOUT);
        }
    }

    @Test
    void aServerClosingAfterItsGreetingIsClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> script().greet(c))) {
            fails(server, policy(), Failure.CLOSED);
        }
    }

    @Test
    void aServerClosingAfterTheGoAheadIsClosed() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> c.send(script().goAhead(upToTheUpgrade(c, true))))) {
            fails(server, policy(), Failure.CLOSED, Failure.HANDSHAKE);
        }
    }

    // ---- the TLS layer ----

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        try (ScriptedServer server = presenting(ca.leaf().names("localhost").expired().build())) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aNotYetValidCertificateIsRefused() throws Exception {
        try (ScriptedServer server = presenting(ca.leaf().names("localhost").notYetValid().build())) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        try (ScriptedServer server = presenting(ca.issue("mail.other.example"))) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aSelfSignedCertificateIsRefused() throws Exception {
        try (ScriptedServer server = presenting(CertificateAuthority.selfSigned("localhost"))) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aCertificateFromAnUntrustedRootIsRefused() throws Exception {
        try (ScriptedServer server = presenting(CertificateAuthority.create().issue("localhost"))) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aCertificateNamingTheHostOnlyInItsCommonNameIsRefused() throws Exception {
        try (ScriptedServer server = presenting(ca.leaf().commonName("localhost").build())) {
            fails(server, policy(), Failure.CERTIFICATE);
        }
    }

    @Test
    void aSha1SignedCertificateIsRefused() throws Exception {
        try (ScriptedServer server = presenting(
                ca.leaf().names("localhost").signatureAlgorithm("SHA1withECDSA").build())) {
            TlsUpgradeException e = fails(server, policy(), Failure.CERTIFICATE);
            assertTrue(e.getMessage().contains("SHA1withECDSA"), e.getMessage());
        }
    }

    @Test
    void aServerOfferingOnlyStaticRsaKeyExchangeIsAHandshakeFailure() throws Exception {
        HeldCertificate rsa = ca.leaf().names("localhost").rsa().build();
        TlsPolicy staticRsaOnly = TlsPolicy.builder().serverCertificate(rsa.keyStore(), HeldCertificate.keyStorePassword())
                .protocols("TLSv1.2").cipherSuites("TLS_RSA_WITH_AES_128_GCM_SHA256").build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.startTls(staticRsaOnly); // no forward secrecy: the client's defaults never offer it
            c.readUntilClosed();
        })) {
            fails(server, policy(), Failure.HANDSHAKE);
        }
    }

    @Test
    void aTls11OnlyServerIsAHandshakeFailure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.readBytes(5); // the ClientHello has begun
            c.sendTls11ServerHello();
            c.readUntilClosed();
        })) {
            fails(server, policy(), Failure.HANDSHAKE);
        }
    }

    @Test
    void garbageInsteadOfAServerHelloIsAHandshakeFailure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(script().goAhead(upToTheUpgrade(c, true)));
            c.readBytes(5);
            c.send("this is not TLS at all, just garbage bytes\r\n");
            c.readUntilClosed();
        })) {
            fails(server, policy(), Failure.HANDSHAKE);
        }
    }

    // ---- caller arguments ----

    @Test
    void aHostWithCrLfIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ScriptedServer.Conversation::readUntilClosed)) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            assertThrows(IllegalArgumentException.class,
                    () -> upgrade(socket, "localhost\r\nQUIT", policy()));
            assertTrue(socket.isClosed());
            assertEquals(List.of(), server.receivedInClear());
        }
    }
}
