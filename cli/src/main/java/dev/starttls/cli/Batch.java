package dev.starttls.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Probes many targets with a bounded pool: at most {@code concurrency} probes at once, new connections paced by a
 * {@link RateLimiter}, each probe bounded by its own deadlines, so a silent or dripping target holds one worker for a
 * bounded time and never the rest. Results go to the sink as they complete, one each.
 *
 * <p>One instance runs one batch; not thread-safe.
 */
final class Batch {
    private final Prober prober;
    private final int concurrency;
    private final RateLimiter rate;
    private final Optional<Instant> warnBefore;

    Batch(Prober prober, int concurrency, RateLimiter rate, Optional<Instant> warnBefore) {
        this.prober = prober;
        this.concurrency = concurrency;
        this.rate = rate;
        this.warnBefore = warnBefore;
    }

    /** What a batch found. */
    record Summary(int targets, int ok, int expiringSoon, Map<String, Integer> failures, Duration elapsed) {
        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** 1 if a target failed, else 3 if a certificate expires soon, else 0. */
        int exitCode() {
            return failed() > 0 ? ExitCodes.FAILED : expiringSoon > 0 ? ExitCodes.EXPIRES_SOON : ExitCodes.OK;
        }

        @Override
        public String toString() {
            String kinds = failures.isEmpty() ? "" : failures.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
            return String.format(Locale.ROOT, "%d targets: %d ok, %d failed%s%s in %.1f s", targets, ok, failed(),
                    kinds, expiringSoon > 0 ? ", " + expiringSoon + " with a certificate expiring soon" : "",
                    elapsed.toMillis() / 1000.0);
        }
    }

    Summary run(List<String> lines, Consumer<ProbeResult> sink, Progress progress) throws InterruptedException {
        long start = System.nanoTime();
        Tally tally = new Tally(warnBefore);
        Consumer<ProbeResult> record = result -> {
            synchronized (tally) { // one writer at a time: whole lines on stdout, exact counts
                sink.accept(result);
                progress.update(tally.add(result), tally.ok, tally.failed);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        Semaphore workers = new Semaphore(concurrency);
        try {
            for (String line : lines) {
                Target target;
                try {
                    target = Target.parse(line);
                } catch (IllegalArgumentException e) {
                    record.accept(ProbeResult.failure(line, Optional.empty(), ProbeResult.INVALID_TARGET,
                            e.getMessage(), Duration.ZERO));
                    continue;
                }
                workers.acquire(); // a connection is started only when a worker is free to run it
                rate.acquire();
                pool.execute(() -> {
                    try {
                        record.accept(prober.probe(target));
                    } finally {
                        workers.release();
                    }
                });
            }
            workers.acquire(concurrency); // every probe has reported
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.SECONDS);
            progress.finish();
        }
        return new Summary(tally.count, tally.ok, tally.expiringSoon, tally.failures,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Counts results as they arrive. */
    private static final class Tally {
        private final Optional<Instant> warnBefore;
        private final Map<String, Integer> failures = new TreeMap<>();
        private int count;
        private int ok;
        private int failed;
        private int expiringSoon;

        Tally(Optional<Instant> warnBefore) {
            this.warnBefore = warnBefore;
        }

        int add(ProbeResult result) {
            count++;
            if (result.ok()) {
                ok++;
                if (warnBefore.filter(result::expiresBefore).isPresent()) {
                    expiringSoon++;
                }
            } else {
                failed++;
                failures.merge(result.failure().orElseThrow().failure(), 1, Integer::sum);
            }
            return count;
        }
    }
}
