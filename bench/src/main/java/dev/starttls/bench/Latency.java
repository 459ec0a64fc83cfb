package dev.starttls.bench;

import dev.starttls.bench.Contestants.Contestant;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs contestants side by side: every round runs each once, in an order that rotates from round to round, so a
 * burst of load on the shared machine hits all of them alike. Warm-up rounds are not recorded. A contestant that
 * fails three times is dropped for the rest of the run (its first failure is reported).
 */
final class Latency {
    private static final int GIVE_UP_AFTER = 3;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Latency() {
    }

    static Map<String, Samples.Summary> run(List<Contestant> contestants, int warmup, int rounds) {
        Map<String, Samples> samples = new LinkedHashMap<>();
        contestants.forEach(c -> samples.put(c.name(), new Samples()));
        int n = contestants.size();
        for (int round = 0; round < warmup + rounds; round++) {
            for (int i = 0; i < n; i++) {
                Contestant contestant = contestants.get((round + i) % n);
                Samples s = samples.get(contestant.name());
                if (s.summary().failures() >= GIVE_UP_AFTER) {
                    continue;
                }
                measureOnce(contestant, round >= warmup ? s : null, s);
            }
        }
        Map<String, Samples.Summary> result = new LinkedHashMap<>();
        samples.forEach((name, s) -> result.put(name, s.summary()));
        return result;
    }

    private static void measureOnce(Contestant contestant, Samples record, Samples failures) {
        long thread = Thread.currentThread().getId();
        long allocated0 = THREADS.getThreadAllocatedBytes(thread);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        AutoCloseable open;
        try {
            open = contestant.probe().open();
        } catch (Exception | LinkageError e) {
            failures.fail(e);
            return;
        }
        long wall = System.nanoTime() - start;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocated0;
        try {
            open.close();
        } catch (Exception e) {
            // the goodbye is not measured; a server that hangs up first is fine
        }
        if (record != null) {
            record.add(wall, cpu, allocated);
        }
    }
}
