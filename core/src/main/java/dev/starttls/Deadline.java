package dev.starttls;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in time by which an operation (one reply, one handshake) must complete; a server that drips one byte a
 * second does not extend it.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(policy.readTimeout());
 * String first = reader.readLine(deadline);
 * String second = reader.readLine(deadline); // same deadline: the whole reply shares it
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class Deadline {
    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(long deadlineNanos, Duration timeout) {
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
    }

    /** A deadline {@code timeout} from now; the timeout must be positive. */
    public static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /** Nanoseconds left, zero or negative once it has passed. */
    public long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    /**
     * Milliseconds left, rounded up and at least 1 while time is left, for {@code Socket.setSoTimeout}; 0 once the
     * deadline has passed (note that 0 means "infinite" to sockets: check {@link #hasPassed()} first).
     */
    public int remainingMillisForSocket() {
        long nanos = remainingNanos();
        if (nanos <= 0) {
            return 0;
        }
        long millis = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }

    /** Whether the deadline has passed. */
    public boolean hasPassed() {
        return remainingNanos() <= 0;
    }

    /** The timeout this deadline was made from, for messages. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "Deadline{" + timeout.toMillis() + " ms, " + Math.max(0, remainingNanos() / 1_000_000) + " ms left}";
    }
}
