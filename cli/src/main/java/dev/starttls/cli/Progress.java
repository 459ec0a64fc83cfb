package dev.starttls.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second; silent unless enabled (when stderr is a
 * terminal), so that logs stay clean. Thread-safe.
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final int total;
    private long lastDrawn;

    Progress(PrintStream err, boolean enabled, int total) {
        this.err = err;
        this.enabled = enabled;
        this.total = total;
    }

    synchronized void update(int done, int ok, int failed) {
        long now = System.nanoTime();
        if (!enabled || (done < total && now - lastDrawn < REDRAW_NANOS)) {
            return;
        }
        lastDrawn = now;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d  ok %d  failed %d", "#".repeat(filled),
                " ".repeat(WIDTH - filled), done, total, ok, failed));
        err.flush();
    }

    synchronized void finish() {
        if (enabled) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
