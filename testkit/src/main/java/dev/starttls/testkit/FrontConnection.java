package dev.starttls.testkit;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import dev.starttls.internal.QuickAck;
import dev.starttls.internal.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * One client connection of a STARTTLS front before the switch: the client and backend readers, the way to the client
 * (dripping when {@link Hostile#DRIP} is on), and the behaviour in force when the client connected.
 */
final class FrontConnection {
    private static final Duration IDLE = Duration.ofSeconds(60);

    /** What a front does for one connection: the certificate it presents, its hostile switches, AUTH before TLS. */
    record Behaviour(TlsPolicy serverPolicy, Set<Hostile> hostile, boolean authBeforeTls) {
        Behaviour {
            hostile = hostile.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(hostile));
        }

        static Behaviour normal(TlsPolicy serverPolicy) {
            return new Behaviour(serverPolicy, Set.of(), false);
        }

        boolean is(Hostile h) {
            return hostile.contains(h);
        }
    }

    private final LineReader client;
    private final OutputStream toClient;
    private final LineReader backend;
    private final Upgrader upgrader;
    private final Behaviour behaviour;

    FrontConnection(LineReader client, OutputStream toClient, LineReader backend, Upgrader upgrader,
            Behaviour behaviour) {
        this.client = client;
        this.toClient = toClient;
        this.backend = backend;
        this.upgrader = upgrader;
        this.behaviour = behaviour;
    }

    boolean is(Hostile h) {
        return behaviour.is(h);
    }

    /** Whether AUTH mechanisms may be advertised before TLS (GreenMail's own behaviour; off by default). */
    boolean authBeforeTls() {
        return behaviour.authBeforeTls();
    }

    int maxReplyLines() {
        return upgrader.policy().maxReplyLines();
    }

    LineReader backend() {
        return backend;
    }

    String readClientLine() throws IOException {
        return client.readLine(Deadline.after(IDLE));
    }

    /** Sends a command to the backend; the reply is read with {@link #readBackendLine()}. */
    void sendToBackend(String line) throws IOException {
        Wire.writeLine(backend.socket().getOutputStream(), line);
    }

    String readBackendLine() throws IOException {
        QuickAck.rearm(backend.socket());
        return backend.readLine(Deadline.after(IDLE));
    }

    Deadline idleDeadline() {
        QuickAck.rearm(backend.socket());
        return Deadline.after(IDLE);
    }

    /** Writes one or more lines (joined by CRLF) and a final CRLF to the client in one write. */
    void sendToClient(String lines) throws IOException {
        toClient.write((lines + "\r\n").getBytes(StandardCharsets.UTF_8));
        toClient.flush();
    }

    /**
     * Answers the client's upgrade command: {@code refusal} when STARTTLS is refused or stripped (returns
     * {@code null}, the dialogue goes on), else {@code goAhead} (followed by {@code injected} in the same write when
     * {@link Hostile#INJECT_AFTER_GO_AHEAD} is on) and the server side of the handshake.
     */
    SSLSocket answerUpgrade(String goAhead, String refusal, String injected) throws IOException {
        if (is(Hostile.REFUSE_STARTTLS) || is(Hostile.STRIP_STARTTLS)) {
            sendToClient(refusal);
            return null;
        }
        if (is(Hostile.INJECT_AFTER_GO_AHEAD)) {
            client.discardPendingInput();
            sendToClient(goAhead + "\r\n" + injected);
            return upgrader.acceptImplicit(client.socket());
        }
        return upgrader.acceptUpgrade(client, goAhead);
    }
}
