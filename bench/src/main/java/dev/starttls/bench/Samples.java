package dev.starttls.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The measurements of one contestant in one scenario: wall time, client-thread CPU time and client-thread allocation
 * per operation, and how many operations failed. Not thread-safe: one runner thread adds, then summarizes.
 */
final class Samples {
    /** An upgrade over this many milliseconds paid a delayed-ACK stall (Linux's delayed ACK is 40 ms). */
    static final double STALL_MILLIS = 40.0;

    private final List<Long> wallNanos = new ArrayList<>();
    private final List<Long> cpuNanos = new ArrayList<>();
    private final List<Long> allocatedBytes = new ArrayList<>();
    private int failures;
    private String firstFailure;

    void add(long wall, long cpu, long allocated) {
        wallNanos.add(wall);
        cpuNanos.add(cpu);
        allocatedBytes.add(allocated);
    }

    void fail(Throwable e) {
        failures++;
        if (firstFailure == null) {
            firstFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    Summary summary() {
        int over = 0;
        for (long n : wallNanos) {
            if (n / 1e6 > STALL_MILLIS) {
                over++;
            }
        }
        return new Summary(wallNanos.size(), millis(percentile(wallNanos, 50)), millis(percentile(wallNanos, 90)),
                millis(percentile(wallNanos, 99)), over, millis(percentile(cpuNanos, 50)),
                percentile(allocatedBytes, 50), failures, firstFailure);
    }

    /** Nearest-rank percentile; 0 for no samples. */
    static long percentile(List<Long> values, int percent) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /**
     * What one contestant did in one scenario.
     *
     * @param count successful operations measured
     * @param medianMs median wall time
     * @param p90Ms 90th percentile wall time
     * @param p99Ms 99th percentile wall time
     * @param stalls operations over {@link #STALL_MILLIS}
     * @param cpuMs median CPU time of the client thread
     * @param allocatedBytes median bytes allocated by the client thread
     * @param failures operations that threw
     * @param firstFailure the first failure, or null
     */
    record Summary(int count, double medianMs, double p90Ms, double p99Ms, int stalls, double cpuMs,
            long allocatedBytes, int failures, String firstFailure) {
        boolean wellFormed() {
            return count > 0 && medianMs > 0 && p90Ms >= medianMs && p99Ms >= p90Ms && stalls >= 0 && stalls <= count
                    && cpuMs >= 0 && allocatedBytes >= 0 && Double.isFinite(p99Ms);
        }
    }
}
