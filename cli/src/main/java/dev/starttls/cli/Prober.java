package dev.starttls.cli;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Probes one target: connects, secures the connection with the scheme's protocol module (STARTTLS or implicit TLS),
 * keeps what the session tells, and closes it politely. Every step is bounded by the policy's timeouts; on top of
 * them a total deadline closes the socket of a probe that a server keeps busy reply after reply, so one hostile target
 * never holds a worker for long.
 *
 * <p>Thread-safe: probes run concurrently; {@link #close()} stops the deadline timer.
 */
final class Prober implements AutoCloseable {
    private final TlsPolicy policy;
    private final Optional<String> serverName;
    private final Duration totalDeadline;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-deadlines");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param serverName the name to verify and send as SNI instead of each target's host
     * @param totalDeadline how long one probe may take in all
     */
    Prober(TlsPolicy policy, Optional<String> serverName, Duration totalDeadline) {
        this.policy = policy;
        this.serverName = serverName;
        this.totalDeadline = totalDeadline;
    }

    ProbeResult probe(Target target) {
        long start = System.nanoTime();
        AtomicBoolean overdue = new AtomicBoolean();
        try {
            Socket socket = Upgrader.of(policy).connectPlain(target.host(), target.port());
            Duration connect = since(start);
            ScheduledFuture<?> alarm = deadlines.schedule(() -> {
                overdue.set(true);
                closeQuietly(socket);
            }, Math.max(1, totalDeadline.minus(connect).toMillis()), TimeUnit.MILLISECONDS);
            try (TlsSession session = target.scheme().open(socket, serverName.orElse(target.host()), policy)) {
                ProbeResult.SessionFacts facts = ProbeResult.SessionFacts.of(session, connect);
                session.close(); // QUIT / LOGOUT is part of the probe's time
                return ProbeResult.success(target, facts, since(start));
            } finally {
                alarm.cancel(false);
            }
        } catch (TlsUpgradeException e) {
            if (overdue.get()) {
                return failure(target, Failure.TIMEOUT.name(), target.address() + ": no result within the probe's "
                        + "total deadline of " + totalDeadline.toMillis() + " ms (" + e.getMessage() + ")", start);
            }
            return failure(target, e.failure().name(), e.getMessage(), start);
        } catch (IllegalArgumentException e) {
            return failure(target, ProbeResult.INVALID_TARGET, e.getMessage(), start);
        }
    }

    private static ProbeResult failure(Target target, String kind, String message, long start) {
        return ProbeResult.failure(target.line(), Optional.of(target), kind, message, since(start));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to end a probe past its deadline; nothing more to do
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
