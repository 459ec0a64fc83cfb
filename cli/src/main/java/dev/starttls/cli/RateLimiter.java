package dev.starttls.cli;

import java.util.concurrent.TimeUnit;

/**
 * Spaces out new connections to at most {@code perSecond} a second ({@code --rate}): each caller gets the next free
 * slot and sleeps until it. Thread-safe.
 */
final class RateLimiter {
    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    /** @param perSecond connections a second; 0 or less for no limit */
    RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            slot = Math.max(nextSlot, System.nanoTime());
            nextSlot = slot + intervalNanos;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
