package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Deadline;
import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md's "Adding a protocol", as code: a toy line protocol gets STARTTLS, the fallback rule, injection
 * checks, capabilities re-read inside TLS and typed failures from about 60 lines of dialogue.
 */
class AddingAProtocolTest {
    // ---- the whole protocol module: a session and a dialogue ----

    /** A TOY session: the common accessors come from ChannelSession; TOY adds its login and its goodbye. */
    static final class ToySession extends ChannelSession {
        ToySession(Channel channel, List<String> capabilities, UpgradeReport report) {
            super(channel, capabilities, report);
        }

        /** "LOGIN user password", answered "OK" or "NO"; never in clear. */
        void login(String user, String password) throws TlsUpgradeException {
            channel().requireTlsForCredentials();
            channel().send("LOGIN " + user + " " + password);
            String answer = channel().readLine(channel().replyDeadline());
            if (!answer.startsWith("OK")) {
                throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " refused the login: " + answer);
            }
        }

        @Override
        public void close() {
            try {
                channel().send("BYE");
            } catch (TlsUpgradeException ignored) {
                // closing anyway
            }
            channel().close();
        }
    }

    /** TOY: greeting "OK ...", "CAPS" answered by lines up to ".", "STARTTLS" answered "OK" or "NO". */
    static final class ToyDialogue implements StartTlsDialogue<ToySession> {
        @Override
        public String protocol() {
            return "TOY";
        }

        @Override
        public String upgradeCommand() {
            return "STARTTLS";
        }

        @Override
        public int implicitPort() {
            return 9993;
        }

        @Override
        public Optional<String> readGreeting(Channel channel) throws TlsUpgradeException {
            String greeting = channel.readLine(channel.replyDeadline());
            if (!greeting.startsWith("OK")) {
                throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused: " + greeting);
            }
            return Optional.empty();
        }

        @Override
        public List<String> capabilities(Channel channel) throws TlsUpgradeException {
            channel.send("CAPS");
            Deadline deadline = channel.replyDeadline(); // one deadline for the whole answer
            List<String> capabilities = new ArrayList<>();
            for (String line = channel.readLine(deadline); !line.equals("."); line = channel.readLine(deadline)) {
                if (capabilities.size() == channel.policy().maxReplyLines()) { // an endless answer is not buffered
                    throw new TlsUpgradeException(Failure.LIMIT, "capability answer has too many lines");
                }
                capabilities.add(line);
            }
            return capabilities;
        }

        @Override
        public boolean offersUpgrade(List<String> capabilities) {
            return capabilities.contains("STARTTLS");
        }

        @Override
        public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
            plain.send("STARTTLS");
            String answer = plain.readLine(plain.replyDeadline());
            return answer.startsWith("OK") ? UpgradeAnswer.goAhead()
                    : answer.startsWith("NO") ? UpgradeAnswer.refused(answer, -1)
                    : UpgradeAnswer.unexpected(answer, -1);
        }

        @Override
        public ToySession session(Channel channel, List<String> capabilities, UpgradeReport report) {
            return new ToySession(channel, capabilities, report);
        }
    }

    // ---- what it gets ----

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");

    private ToySession upgrade(ScriptedServer server, TlsPolicy policy) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        return StartTls.upgrade(socket, Endpoint.of("localhost", server.port()), policy, new ToyDialogue());
    }

    @Test
    void aToyProtocolUpgradesAndKeepsOnlyWhatItLearnedInsideTls() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("OK toy ready");
            c.readLine(); // CAPS
            c.send("STARTTLS\r\nPLAIN-ONLY\r\n.\r\n");
            c.readLine(); // STARTTLS
            c.sendLine("OK go");
            c.startTls(certificate);
            c.readLine(); // CAPS again, inside TLS
            c.send("SECRET-FEATURE\r\n.\r\n");
            c.readUntilClosed();
        }); ToySession toy = upgrade(server, ca.trustingPolicy())) {
            assertTrue(toy.isTls());
            assertEquals(List.of("SECRET-FEATURE"), toy.capabilities());
            assertEquals(List.of("STARTTLS", "PLAIN-ONLY"), toy.report().capabilitiesBeforeTls());
            assertFalse(toy.report().implicit());
            assertTrue(toy.report().handshake().toNanos() > 0);
        }
    }

    @Test
    void aToyProtocolRefusesBytesInjectedAfterTheGoAhead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendLine("OK toy ready");
            c.readLine();
            c.send("STARTTLS\r\n.\r\n");
            c.readLine();
            c.send("OK go\r\nSECRET-FEATURE\r\n");
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> upgrade(server, ca.trustingPolicy()));
            assertEquals(Failure.INJECTION, e.failure(), e.toString());
        }
    }

    @Test
    void aToyProtocolFallsBackOnlyWhenOpportunistic() throws Exception {
        ScriptedServer.Script stripped = c -> {
            c.sendLine("OK toy ready");
            c.readLine();
            c.send("PLAIN-ONLY\r\n.\r\n");
            c.readUntilClosed();
        };
        try (ScriptedServer server = ScriptedServer.start(stripped)) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> upgrade(server, ca.trustingPolicy()));
            assertEquals(Failure.STARTTLS_NOT_OFFERED, e.failure());
        }
        try (ScriptedServer server = ScriptedServer.start(stripped);
                ToySession toy = upgrade(server, ca.trustingPolicy().newBuilder().opportunistic(true).build())) {
            assertFalse(toy.isTls());
        }
    }
}
