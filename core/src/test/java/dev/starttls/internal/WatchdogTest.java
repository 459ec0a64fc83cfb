package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog bounds a whole operation whose reads we do not control by closing its socket. */
class WatchdogTest {
    @Test
    void closesTheTargetWhenTheDeadlinePassesAndSaysItFired() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Watchdog.Guard guard = Watchdog.closeAfter(closed::countDown, Duration.ofMillis(20));
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the target was not closed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!guard.fired() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(guard.fired());
        assertTrue(guard.cancel(), "cancel after firing reports that it fired");
    }

    @Test
    void aCancelledGuardNeverClosesTheTarget() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Watchdog.Guard guard = Watchdog.closeAfter(closed::countDown, Duration.ofMillis(200));
        assertFalse(guard.cancel(), "cancelled in time: it did not fire");
        assertFalse(closed.await(600, TimeUnit.MILLISECONDS), "closed after being cancelled");
        assertFalse(guard.fired());
    }

    @Test
    void aTargetThatFailsToCloseStillCountsAsFired() throws Exception {
        CountDownLatch attempted = new CountDownLatch(1);
        Watchdog.Guard guard = Watchdog.closeAfter(() -> {
            attempted.countDown();
            throw new IOException("already broken");
        }, Duration.ofMillis(10));
        assertTrue(attempted.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!guard.fired() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(guard.fired());
    }

    @Test
    void itsThreadIsADaemonSoItNeverKeepsTheJvmAlive() throws Exception {
        CountDownLatch daemon = new CountDownLatch(1);
        Watchdog.closeAfter(() -> {
            if (Thread.currentThread().isDaemon() && Thread.currentThread().getName().equals("starttls-watchdog")) {
                daemon.countDown();
            }
        }, Duration.ofMillis(1));
        assertTrue(daemon.await(10, TimeUnit.SECONDS));
    }
}
