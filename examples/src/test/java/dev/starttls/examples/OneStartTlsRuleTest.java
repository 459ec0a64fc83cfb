package dev.starttls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one required-versus-opportunistic rule, the same for SMTP, POP3 and IMAP: fall back to plaintext only when the
 * upgrade is not offered or refused with the protocol's negative answer, in opportunistic mode; anything else fails in
 * both modes, and every failure closes the socket.
 */
class OneStartTlsRuleTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();

    /** What the server does at the point of the upgrade. */
    enum Case { NOT_OFFERED, REFUSED, UNEXPECTED, BAD_GO_AHEAD }

    /** One protocol: how its server speaks each case, and how the client upgrades. */
    enum Protocol {
        SMTP {
            @Override
            void serve(ScriptedServer.Conversation c, Case what) throws Exception {
                c.sendLine("220 rule.example ESMTP");
                c.readLine(); // EHLO
                c.send(what == Case.NOT_OFFERED ? "250-rule.example\r\n250 SIZE 1000\r\n"
                        : "250-rule.example\r\n250 STARTTLS\r\n");
                if (what != Case.NOT_OFFERED) {
                    c.readLine(); // STARTTLS
                    c.sendLine(what == Case.REFUSED ? "454 4.7.0 TLS not available"
                            : what == Case.UNEXPECTED ? "250 2.0.0 fine, whatever" : "22O go ahead");
                }
            }

            @Override
            TlsSession upgrade(Socket socket, TlsPolicy policy) throws TlsUpgradeException {
                return SmtpTls.upgrade(socket, "localhost", policy);
            }
        },
        POP3 {
            @Override
            void serve(ScriptedServer.Conversation c, Case what) throws Exception {
                c.sendLine("+OK rule.example ready");
                c.readLine(); // CAPA
                c.send(what == Case.NOT_OFFERED ? "+OK\r\nUSER\r\n.\r\n" : "+OK\r\nSTLS\r\nUSER\r\n.\r\n");
                if (what != Case.NOT_OFFERED) {
                    c.readLine(); // STLS
                    // POP3 knows only +OK and -ERR: anything else, unexpected or garbled, is not a POP3 status
                    c.sendLine(what == Case.REFUSED ? "-ERR not now" : what == Case.UNEXPECTED ? "+ go on" : "OK go");
                }
            }

            @Override
            TlsSession upgrade(Socket socket, TlsPolicy policy) throws TlsUpgradeException {
                return Pop3Tls.upgrade(socket, "localhost", policy);
            }

            @Override
            Failure unexpectedFailure() {
                return Failure.PROTOCOL;
            }
        },
        IMAP {
            @Override
            void serve(ScriptedServer.Conversation c, Case what) throws Exception {
                c.sendLine(what == Case.NOT_OFFERED ? "* OK [CAPABILITY IMAP4rev1] rule.example"
                        : "* OK [CAPABILITY IMAP4rev1 STARTTLS] rule.example");
                if (what != Case.NOT_OFFERED) {
                    String tag = c.readLine().split(" ")[0]; // TAG STARTTLS
                    c.sendLine(what == Case.REFUSED ? tag + " NO TLS not now"
                            : what == Case.UNEXPECTED ? tag + " PREAUTH surprise" : "+ go ahead");
                }
            }

            @Override
            TlsSession upgrade(Socket socket, TlsPolicy policy) throws TlsUpgradeException {
                return ImapTls.upgrade(socket, "localhost", policy);
            }
        };

        abstract void serve(ScriptedServer.Conversation c, Case what) throws Exception;

        abstract TlsSession upgrade(Socket socket, TlsPolicy policy) throws TlsUpgradeException;

        /** What an unexpected answer fails with. */
        Failure unexpectedFailure() {
            return Failure.STARTTLS_REFUSED;
        }
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            for (Case what : Case.values()) {
                for (boolean opportunistic : new boolean[] {false, true}) {
                    rows.add(Arguments.of(protocol, what, opportunistic));
                }
            }
        }
        return rows.stream();
    }

    /** {@code null}: a plaintext session; otherwise the failure kind. */
    private static Failure expected(Protocol protocol, Case what, boolean opportunistic) {
        switch (what) {
            case NOT_OFFERED:
                return opportunistic ? null : Failure.STARTTLS_NOT_OFFERED;
            case REFUSED:
                return opportunistic ? null : Failure.STARTTLS_REFUSED;
            case UNEXPECTED:
                return protocol.unexpectedFailure();
            default:
                return Failure.PROTOCOL;
        }
    }

    @ParameterizedTest(name = "{0} {1} opportunistic={2}")
    @MethodSource("table")
    void fallsBackOnlyWhenNotOfferedOrRefusedAndOnlyWhenOpportunistic(Protocol protocol, Case what,
            boolean opportunistic) throws Exception {
        TlsPolicy policy = CA.trustingPolicy().newBuilder().opportunistic(opportunistic).build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            protocol.serve(c, what);
            try {
                c.readLine(); // QUIT / LOGOUT after a fallback: close at once instead of making the client wait
            } catch (java.io.IOException closedByTheClient) {
                // the client failed the upgrade and closed
            }
            c.close();
        })) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            Failure expected = expected(protocol, what, opportunistic);
            if (expected == null) {
                try (TlsSession session = protocol.upgrade(socket, policy)) {
                    assertFalse(session.isTls(), "an opportunistic fallback is plaintext, and says so");
                    assertTrue(session.handshake().isEmpty());
                    assertThrows(IllegalStateException.class, session::sslSocket);
                }
            } else {
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                        () -> protocol.upgrade(socket, policy));
                assertEquals(expected, e.failure(), e.toString());
                assertTrue(socket.isClosed(), "a failed upgrade closes the socket");
            }
        }
    }
}
