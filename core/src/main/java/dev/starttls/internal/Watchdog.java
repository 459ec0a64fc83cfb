package dev.starttls.internal;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a socket when a deadline passes, for operations whose reads we do not control (the TLS handshake inside
 * JSSE): {@code SO_TIMEOUT} bounds each read, this bounds the whole. One daemon thread, started on first use and
 * stopped after a few idle seconds, like Okio's watchdog. Not API.
 */
public final class Watchdog {
    private static final ScheduledThreadPoolExecutor TIMER = createTimer();

    private Watchdog() {
    }

    /** A running deadline; {@link #cancel()} it when the guarded operation ends. */
    public static final class Guard {
        private final AtomicBoolean fired = new AtomicBoolean();
        private ScheduledFuture<?> future;

        /** Stops the watchdog; returns whether it had already fired (and closed the target). */
        public boolean cancel() {
            future.cancel(false);
            return fired.get();
        }

        /** Whether the deadline passed and the target was closed. */
        public boolean fired() {
            return fired.get();
        }
    }

    /** Closes {@code target} after {@code timeout} unless the returned guard is cancelled first. */
    public static Guard closeAfter(Closeable target, Duration timeout) {
        Guard guard = new Guard();
        guard.future = TIMER.schedule(() -> {
            guard.fired.set(true);
            try {
                target.close();
            } catch (IOException ignored) {
                // closing is the whole point; the guarded operation sees the failure
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return guard;
    }

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "starttls-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(5, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
