package dev.starttls.bench;

import dev.starttls.TlsPolicy;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Many SMTP STARTTLS upgrades to the {@link MiniSmtpServer} in another JVM, so that heap, threads and descriptors
 * counted here are the client's: all at once (each held open until all are open, then closed) and in sequence.
 */
final class Scale {
    /**
     * What a scale run found.
     *
     * @param heapPerConnection bytes of heap (after GC) per open upgraded connection, or -1 when not measured
     */
    record Result(int attempted, int succeeded, double p50Ms, double p99Ms, long heapPerConnection, long threadsLeft,
            long descriptorsLeft, double seconds, String firstFailure) {
    }

    private Scale() {
    }

    static Result concurrent(String host, int port, TlsPolicy policy, int count) throws Exception {
        long threads0 = threads();
        long fds0 = descriptors();
        long heap0 = usedHeapAfterGc();
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        List<SmtpSession> open = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        List<String> firstFailure = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(count);
        ExecutorService pool = Executors.newFixedThreadPool(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pool.execute(() -> {
                try {
                    go.await();
                    long t0 = System.nanoTime();
                    open.add(SmtpTls.connect(host, port, policy));
                    times.add(System.nanoTime() - t0);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    firstFailure.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        go.countDown();
        boolean allDone = done.await(5, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapOpen = usedHeapAfterGc();
        long heapPer = open.isEmpty() ? -1 : (heapOpen - heap0) / open.size();
        synchronized (open) {
            open.forEach(SmtpSession::close);
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return new Result(count, allDone ? times.size() : -1, pct(times, 50), pct(times, 99), heapPer,
                settle(threads0, Scale::threads), settle(fds0, Scale::descriptors), seconds,
                firstFailure.isEmpty() ? null : firstFailure.get(0));
    }

    static Result sequential(String host, int port, TlsPolicy policy, int count) throws Exception {
        long threads0 = threads();
        long fds0 = descriptors();
        List<Long> times = new ArrayList<>(count);
        String firstFailure = null;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            try (SmtpSession smtp = SmtpTls.connect(host, port, policy)) {
                times.add(System.nanoTime() - t0);
            } catch (IOException e) {
                firstFailure = firstFailure == null ? e.toString() : firstFailure;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(count, times.size(), pct(times, 50), pct(times, 99), -1, settle(threads0, Scale::threads),
                settle(fds0, Scale::descriptors), seconds, firstFailure);
    }

    private static double pct(List<Long> nanos, int percent) {
        return Samples.percentile(nanos, percent) / 1e6;
    }

    /** What is left over {@code before}, waiting up to 5 s for threads and sockets that are on their way out. */
    private static long settle(long before, java.util.function.LongSupplier now) throws InterruptedException {
        long left = now.getAsLong() - before;
        for (int i = 0; i < 50 && left > 0; i++) {
            Thread.sleep(100); // polling an OS count: there is nothing to wait on
            left = now.getAsLong() - before;
        }
        return left;
    }

    static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static long descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
