package dev.starttls.spi;

import dev.starttls.Endpoint;
import dev.starttls.TlsConnection;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.Upgrader;
import dev.starttls.internal.Failures;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one STARTTLS procedure every protocol runs, with its protocol's {@link StartTlsDialogue}: greeting, capabilities,
 * offered?, upgrade command, go-ahead / refusal / anything else, the required-or-opportunistic decision, the switch
 * (pending plaintext is {@code INJECTION}), capabilities again inside TLS; and the implicit-TLS path.
 *
 * <pre>{@code
 * public static SmtpSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
 *     return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy, new SmtpDialogue());
 * }
 * }</pre>
 *
 * <p>The one rule: in {@linkplain TlsPolicy#isOpportunistic() opportunistic} mode the session goes on in plaintext only
 * when the upgrade is not offered, or is refused with the protocol's negative answer; anything else (an unexpected
 * answer, a malformed reply, injected bytes, a certificate or handshake failure) fails in both modes. Every failure
 * closes the socket. Part of the SPI for protocol modules; thread-safe (static, nothing shared).
 *
 * @since 0.1
 */
public final class StartTls {
    private StartTls() {
    }

    /**
     * The endpoint for a socket the caller connected: {@code host} on the socket's peer port (for a
     * {@code TunneledSocket}, the target's). A bad host is refused before anything is written, and the socket is
     * closed, as after any failed upgrade.
     *
     * @throws IllegalArgumentException for a malformed host, naming it
     */
    public static Endpoint endpoint(Socket connected, String host) {
        Objects.requireNonNull(connected, "connected");
        try {
            return Endpoint.of(host, connected.getPort());
        } catch (RuntimeException e) {
            Failures.closeQuietly(connected);
            throw e;
        }
    }

    /**
     * The endpoint for the one-argument {@code XxxTls.upgrade(socket)}: {@link Endpoint#ofConnected(Socket)}, verified
     * against the name the socket was connected with. An unconnected socket is refused and closed.
     *
     * @throws IllegalArgumentException if the socket is not connected
     */
    public static Endpoint endpoint(Socket connected) {
        Objects.requireNonNull(connected, "connected");
        try {
            return Endpoint.ofConnected(connected);
        } catch (RuntimeException e) {
            Failures.closeQuietly(connected);
            throw e;
        }
    }

    /** Connects to {@code endpoint} and runs {@link #upgrade(Socket, Endpoint, TlsPolicy, StartTlsDialogue)}. */
    public static <S extends TlsSession> S connect(Endpoint endpoint, TlsPolicy policy, StartTlsDialogue<S> dialogue)
            throws TlsUpgradeException {
        long start = System.nanoTime();
        Socket socket = Upgrader.of(policy).connectPlain(endpoint.host(), endpoint.port());
        return upgrade(socket, endpoint, policy, dialogue, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Connects to {@code endpoint} and runs {@link #implicit(Socket, Endpoint, TlsPolicy, StartTlsDialogue)}. */
    public static <S extends TlsSession> S connectImplicit(Endpoint endpoint, TlsPolicy policy,
            StartTlsDialogue<S> dialogue) throws TlsUpgradeException {
        long start = System.nanoTime();
        Socket socket = Upgrader.of(policy).connectPlain(endpoint.host(), endpoint.port());
        return implicit(socket, endpoint, policy, dialogue, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The in-place upgrade on a socket connected to {@code endpoint} whose server has not spoken yet. */
    public static <S extends TlsSession> S upgrade(Socket connected, Endpoint endpoint, TlsPolicy policy,
            StartTlsDialogue<S> dialogue) throws TlsUpgradeException {
        return upgrade(connected, endpoint, policy, dialogue, Duration.ZERO);
    }

    /**
     * Implicit TLS on a socket connected to {@code endpoint} (a dedicated TLS port, possibly through a tunnel): the
     * handshake at once, then the greeting and capabilities inside TLS.
     */
    public static <S extends TlsSession> S implicit(Socket connected, Endpoint endpoint, TlsPolicy policy,
            StartTlsDialogue<S> dialogue) throws TlsUpgradeException {
        return implicit(connected, endpoint, policy, dialogue, Duration.ZERO);
    }

    private static <S extends TlsSession> S upgrade(Socket connected, Endpoint endpoint, TlsPolicy policy,
            StartTlsDialogue<S> dialogue, Duration connect) throws TlsUpgradeException {
        check(connected, endpoint, policy, dialogue);
        long start = System.nanoTime();
        Channel plain = Channel.open(connected, policy, endpoint);
        return plain.closeOnFailure(() -> {
            Optional<String> ruledOut = readGreeting(plain, dialogue);
            List<String> before = ruledOut.isPresent() ? List.of() : dialogue.capabilities(plain);
            if (ruledOut.isPresent() || !dialogue.offersUpgrade(before)) {
                String why = ruledOut.orElse(plain.peer() + " did not offer " + dialogue.upgradeCommand()
                        + " (possible STARTTLS stripping)");
                requireOpportunistic(policy, new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED, why
                        + "; TLS is required by the policy", dialogue.capabilitiesReply(before), null));
                return fallBack(plain, dialogue, before, connect, start);
            }
            UpgradeAnswer answer = dialogue.requestUpgrade(plain);
            if (answer.kind() != UpgradeAnswer.Kind.GO_AHEAD) {
                boolean refused = answer.kind() == UpgradeAnswer.Kind.REFUSED;
                TlsUpgradeException failure = new TlsUpgradeException(Failure.STARTTLS_REFUSED, plain.peer()
                        + (refused ? " refused " : " did not give its go-ahead to ") + dialogue.upgradeCommand()
                        + ": " + answer.reply(), answer.reply(), answer.rawCode(), null);
                if (!refused) {
                    throw failure;
                }
                requireOpportunistic(policy, failure);
                return fallBack(plain, dialogue, before, connect, start);
            }
            Duration plaintext = Duration.ofNanos(System.nanoTime() - start);
            Channel tls = plain.startTls();
            return afterTls(tls, dialogue, false, before, connect, plaintext);
        });
    }

    private static <S extends TlsSession> S implicit(Socket connected, Endpoint endpoint, TlsPolicy policy,
            StartTlsDialogue<S> dialogue, Duration connect) throws TlsUpgradeException {
        check(connected, endpoint, policy, dialogue);
        TlsConnection tls = Upgrader.of(policy).upgrade(connected, endpoint);
        Channel channel = Channel.open(tls, connected, policy, endpoint);
        return channel.closeOnFailure(() -> {
            dialogue.readGreeting(channel); // inside TLS nothing was in clear: a PREAUTH is fine
            return afterTls(channel, dialogue, true, List.of(), connect, Duration.ZERO);
        });
    }

    /** RFC 3207 4.2, RFC 2595 4, RFC 3501 6.2.1: forget what was learned in clear and ask again inside TLS. */
    private static <S extends TlsSession> S afterTls(Channel tls, StartTlsDialogue<S> dialogue, boolean implicit,
            List<String> before, Duration connect, Duration plaintext) throws TlsUpgradeException {
        return tls.closeOnFailure(() -> {
            long start = System.nanoTime();
            dialogue.afterHandshake(tls);
            List<String> capabilities = dialogue.capabilities(tls);
            Duration handshake = tls.handshake().orElseThrow().duration();
            UpgradeReport report = new UpgradeReport(implicit, before, connect, plaintext, handshake,
                    Duration.ofNanos(System.nanoTime() - start));
            return dialogue.session(tls, capabilities, report);
        });
    }

    private static <S extends TlsSession> S fallBack(Channel plain, StartTlsDialogue<S> dialogue, List<String> before,
            Duration connect, long start) throws TlsUpgradeException {
        UpgradeReport report = new UpgradeReport(false, before, connect, Duration.ofNanos(System.nanoTime() - start),
                Duration.ZERO, Duration.ZERO);
        return dialogue.session(plain, before, report);
    }

    private static void requireOpportunistic(TlsPolicy policy, TlsUpgradeException failure)
            throws TlsUpgradeException {
        if (!policy.isOpportunistic()) {
            throw failure;
        }
    }

    /** The greeting; silence from a server that never spoke at all suggests an implicit-TLS port: say so. */
    private static Optional<String> readGreeting(Channel plain, StartTlsDialogue<?> dialogue)
            throws TlsUpgradeException {
        try {
            return dialogue.readGreeting(plain);
        } catch (TlsUpgradeException e) {
            if (e.failure() == Failure.TIMEOUT && plain.reader().bytesReceived() == 0) {
                throw new TlsUpgradeException(Failure.TIMEOUT, e.getMessage() + ": the server sent no greeting at "
                        + "all; is this an implicit-TLS port (" + dialogue.protocol() + " uses "
                        + dialogue.implicitPort() + ")? use connectImplicit", e);
            }
            throw e;
        }
    }

    private static void check(Socket connected, Endpoint endpoint, TlsPolicy policy, StartTlsDialogue<?> dialogue) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dialogue, "dialogue");
        if (Objects.requireNonNull(connected, "connected").isClosed()) {
            throw new IllegalArgumentException("the socket to " + endpoint + " is closed");
        }
    }
}
