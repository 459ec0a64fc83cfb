package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One deadline per reply: what is left of it, and what a socket timeout made from it means. */
class DeadlineTest {
    @Test
    void aFreshDeadlineHasAboutItsWholeTimeLeft() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10));
        assertFalse(deadline.hasPassed());
        assertEquals(Duration.ofSeconds(10), deadline.timeout());
        long left = deadline.remainingNanos();
        assertTrue(left > 9_000_000_000L && left <= 10_000_000_000L, "left " + left);
        int millis = deadline.remainingMillisForSocket();
        assertTrue(millis > 9_000 && millis <= 10_000, "millis " + millis);
        assertTrue(deadline.toString().matches("Deadline\\{10000 ms, \\d+ ms left}"), deadline.toString());
    }

    @Test
    void lessThanAMillisecondLeftIsStillOneMillisecondForASocketNeverZero() {
        // zero would mean "wait forever" to Socket.setSoTimeout
        Deadline deadline = Deadline.after(Duration.ofNanos(900_000_000)); // rounds up, never down
        int millis = deadline.remainingMillisForSocket();
        assertTrue(millis >= 1 && millis <= 900, "millis " + millis);
        Deadline tiny = Deadline.after(Duration.ofNanos(1));
        assertEquals(0, awaitPassed(tiny).remainingMillisForSocket(), "a passed deadline gives 0: check hasPassed()");
    }

    @Test
    void aPassedDeadlineSaysSoAndShowsNoNegativeTimeLeft() {
        Deadline deadline = awaitPassed(Deadline.after(Duration.ofMillis(1)));
        assertTrue(deadline.hasPassed());
        assertTrue(deadline.remainingNanos() <= 0);
        assertEquals("Deadline{1 ms, 0 ms left}", deadline.toString());
    }

    @Test
    void aVeryLongTimeoutFitsASocketTimeout() {
        assertEquals(Integer.MAX_VALUE, Deadline.after(Duration.ofDays(365)).remainingMillisForSocket());
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> Deadline.after(null));
    }

    private static Deadline awaitPassed(Deadline deadline) {
        while (!deadline.hasPassed()) {
            Thread.onSpinWait();
        }
        return deadline;
    }
}
