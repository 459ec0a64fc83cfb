package dev.starttls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
import dev.starttls.testkit.TlsGreenMailExtension;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The test kit's servers as a user testing failure handling meets them: each hostile switch makes this library's own
 * clients fail with the kind the switch names, on every protocol and on both the STARTTLS and the implicit-TLS ports;
 * AUTH is not advertised before TLS unless asked; mutual TLS.
 */
class HostileServersTest {
    @RegisterExtension
    static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", "pw-alice");

    private static final Set<Hostile> STARTTLS_ONLY =
            EnumSet.of(Hostile.STRIP_STARTTLS, Hostile.REFUSE_STARTTLS, Hostile.INJECT_AFTER_GO_AHEAD);

    /** One protocol's STARTTLS and implicit entry points and ports. */
    enum Protocol {
        SMTP(SmtpTls::upgrade, SmtpTls::implicit, TlsGreenMail::smtpPort, TlsGreenMail::smtpsPort),
        POP3(Pop3Tls::upgrade, Pop3Tls::implicit, TlsGreenMail::pop3Port, TlsGreenMail::pop3sPort),
        IMAP(ImapTls::upgrade, ImapTls::implicit, TlsGreenMail::imapPort, TlsGreenMail::imapsPort);

        final Client startTls;
        final Client implicit;
        final ToIntFunction<TlsGreenMail> startTlsPort;
        final ToIntFunction<TlsGreenMail> implicitPort;

        Protocol(Client startTls, Client implicit, ToIntFunction<TlsGreenMail> startTlsPort,
                ToIntFunction<TlsGreenMail> implicitPort) {
            this.startTls = startTls;
            this.implicit = implicit;
            this.startTlsPort = startTlsPort;
            this.implicitPort = implicitPort;
        }
    }

    @FunctionalInterface
    interface Client {
        TlsSession open(Socket socket, String host, TlsPolicy policy) throws TlsUpgradeException;
    }

    /** Short reply and handshake deadlines, so DRIP and STALL fail fast. */
    private static TlsPolicy impatient(TlsPolicy policy) {
        return policy.newBuilder().readTimeout(Duration.ofMillis(800)).handshakeTimeout(Duration.ofMillis(800))
                .build();
    }

    private static TlsUpgradeException fails(Failure expected, Client client, int port, TlsPolicy policy)
            throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> client.open(socket, "localhost", policy));
        assertEquals(expected, e.failure(), e.toString());
        assertTrue(socket.isClosed(), "the socket must be closed after a failed upgrade");
        return e;
    }

    static Stream<Arguments> everySwitchOnEveryPort() {
        return Stream.of(Protocol.values()).flatMap(p -> Stream.of(Hostile.values()).flatMap(h -> STARTTLS_ONLY.contains(h)
                ? Stream.of(Arguments.of(p, h, false)) : Stream.of(Arguments.of(p, h, false), Arguments.of(p, h, true))));
    }

    @ParameterizedTest(name = "{0} {1} implicit={2}")
    @MethodSource("everySwitchOnEveryPort")
    void eachHostileSwitchFailsOurClientWithItsKind(Protocol protocol, Hostile hostile, boolean implicit)
            throws Exception {
        TlsGreenMail servers = mail.get().hostile(hostile);
        if (implicit) {
            fails(hostile.expectedFailure(), protocol.implicit, protocol.implicitPort.applyAsInt(servers),
                    impatient(mail.clientPolicy()));
        } else {
            fails(hostile.expectedFailure(), protocol.startTls, protocol.startTlsPort.applyAsInt(servers),
                    impatient(mail.clientPolicy()));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void withoutSwitchesEveryPortUpgrades(Protocol protocol) throws Exception {
        TlsGreenMail servers = mail.get();
        for (boolean implicit : new boolean[] {false, true}) {
            Client client = implicit ? protocol.implicit : protocol.startTls;
            int port = (implicit ? protocol.implicitPort : protocol.startTlsPort).applyAsInt(servers);
            try (TlsSession session = client.open(new Socket(InetAddress.getLoopbackAddress(), port), "localhost",
                    mail.clientPolicy())) {
                assertTrue(session.isTls());
            }
        }
    }

    @Test
    void theSwitchesAreResetBeforeEachTest() {
        assertEquals(Set.of(), mail.get().hostile());
    }

    /** Whether a capability line (SMTP keyword line, POP3 CAPA line, IMAP capability) advertises a SASL mechanism. */
    private static boolean advertisesAuth(List<String> capabilities) {
        return capabilities.stream().map(c -> c.toUpperCase(Locale.ROOT))
                .anyMatch(c -> c.startsWith("AUTH") || c.equals("SASL") || c.startsWith("SASL "));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void noAuthIsAdvertisedBeforeTlsButAfter(Protocol protocol) throws Exception {
        try (TlsSession session = protocol.startTls.open(new Socket(InetAddress.getLoopbackAddress(),
                protocol.startTlsPort.applyAsInt(mail.get())), "localhost", mail.clientPolicy())) {
            List<String> before = session.report().capabilitiesBeforeTls();
            assertFalse(advertisesAuth(before), "before TLS: " + before);
            assertTrue(advertisesAuth(session.capabilities()), "after TLS: " + session.capabilities());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void greenMailsAuthBeforeTlsCanBeRestored(Protocol protocol) throws Exception {
        mail.get().advertiseAuthBeforeTls(true);
        try (TlsSession session = protocol.startTls.open(new Socket(InetAddress.getLoopbackAddress(),
                protocol.startTlsPort.applyAsInt(mail.get())), "localhost", mail.clientPolicy())) {
            List<String> before = session.report().capabilitiesBeforeTls();
            assertTrue(advertisesAuth(before), "before TLS: " + before);
        }
    }

    @Test
    void mutualTlsAcceptsAClientCertificateFromTheKitsCa() throws Exception {
        TlsGreenMail servers = mail.get().requireClientCertificates(true);
        HeldCertificate alice = servers.ca().issue("alice");
        try (SmtpSession smtp = SmtpTls.connect("localhost", servers.smtpPort(), servers.clientPolicy(alice))) {
            smtp.authPlain("alice", "pw-alice");
        }
        assertTrue(servers.handshakes().stream().map(Handshake::peerCertificates)
                .anyMatch(chain -> !chain.isEmpty() && chain.get(0).equals(alice.certificate())),
                "the front saw alice's certificate: " + servers.handshakes());
    }

    @org.junit.jupiter.api.RepeatedTest(10)
    void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
        mail.get().requireClientCertificates(true);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), mail.smtpPort());
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> SmtpTls.upgrade(socket, "localhost", mail.clientPolicy()));
        // The server's alert must reach the client (not a reset racing it): during the handshake (TLS 1.2) or at the
        // first read after it (TLS 1.3, where the client's handshake ends before the server checks its certificate).
        assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
        assertTrue(socket.isClosed());
    }
}
