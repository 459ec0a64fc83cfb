package dev.starttls.bench;

import java.util.Locale;
import java.util.Map;

/** BENCHMARKS.md, built section by section. Not thread-safe. */
final class Report {
    private final StringBuilder text = new StringBuilder();

    Report line(String line) {
        text.append(line).append('\n');
        return this;
    }

    Report heading(String heading) {
        return line("").line(heading).line("");
    }

    /**
     * One latency table: a row per contestant, with its median as a ratio to {@code reference}'s median measured in the
     * same run.
     */
    Report latencyTable(Map<String, Samples.Summary> rows, String reference) {
        Samples.Summary ref = rows.get(reference);
        line("| client | median ms | p90 ms | p99 ms | over 40 ms | median vs " + reference
                + " | client CPU ms | client alloc KiB | n | failures |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        rows.forEach((name, s) -> line(String.format(Locale.ROOT,
                "| %s | %.2f | %.2f | %.2f | %d | %s | %.2f | %.0f | %d | %s |", name, s.medianMs(), s.p90Ms(),
                s.p99Ms(), s.stalls(), ratio(s.medianMs(), ref == null ? 0 : ref.medianMs()), s.cpuMs(),
                s.allocatedBytes() / 1024.0, s.count(),
                s.failures() == 0 ? "0" : s.failures() + ": " + sanitize(s.firstFailure()))));
        return this;
    }

    static String ratio(double value, double reference) {
        return reference > 0 && value > 0 ? String.format(Locale.ROOT, "%.2fx", value / reference) : "n/a";
    }

    static String sanitize(String s) {
        String one = s == null ? "" : s.replace('|', '/').replace('\n', ' ');
        return one.length() > 140 ? one.substring(0, 140) + "..." : one;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
