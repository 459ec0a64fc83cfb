package dev.starttls.cli;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.http.HttpProxy;
import dev.starttls.http.HttpTls;
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
    /**
     * How targets are reached and checked.
     *
     * @param serverName the name to verify and send as SNI instead of each target's host
     * @param proxy an HTTP CONNECT proxy to reach every target through
     * @param httpUpgrade whether {@code http://} targets (RFC 2817) are allowed
     * @param totalDeadline how long one probe may take in all
     */
    record Settings(Optional<String> serverName, Optional<HttpProxy> proxy, boolean httpUpgrade,
            Duration totalDeadline) {
        static Settings direct(Duration totalDeadline) {
            return new Settings(Optional.empty(), Optional.empty(), false, totalDeadline);
        }
    }

    private final TlsPolicy policy;
    private final Settings settings;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-deadlines");
        t.setDaemon(true);
        return t;
    });

    Prober(TlsPolicy policy, Settings settings) {
        this.policy = policy;
        this.settings = settings;
    }

    /**
     * Refuses an {@code http://} target unless RFC 2817 was asked for: a plain HTTP URL is far more often a mistake
     * for {@code https://} than a CUPS server.
     *
     * @throws IllegalArgumentException naming the remedy
     */
    static void requireAllowed(Target target, boolean httpUpgrade) {
        if (target.scheme() == Scheme.HTTP && !httpUpgrade) {
            throw new IllegalArgumentException("'" + target.line() + "': http:// is probed only with --http-upgrade "
                    + "(RFC 2817, which almost only CUPS speaks); did you mean https://?");
        }
    }

    ProbeResult probe(Target target) {
        long start = System.nanoTime();
        AtomicBoolean overdue = new AtomicBoolean();
        Duration totalDeadline = settings.totalDeadline();
        try {
            requireAllowed(target, settings.httpUpgrade());
            Socket socket = connect(target);
            Duration connect = since(start);
            ScheduledFuture<?> alarm = deadlines.schedule(() -> {
                overdue.set(true);
                closeQuietly(socket);
            }, Math.max(1, totalDeadline.minus(connect).toMillis()), TimeUnit.MILLISECONDS);
            try (TlsSession session = target.scheme().open(socket, settings.serverName().orElse(target.host()),
                    policy)) {
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

    /** A plain connection to the target, directly or through the proxy's tunnel (which carries the target). */
    private Socket connect(Target target) throws TlsUpgradeException {
        if (settings.proxy().isPresent()) {
            return HttpTls.tunnel(settings.proxy().get(), target.host(), target.port(), policy);
        }
        return Upgrader.of(policy).connectPlain(target.host(), target.port());
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
