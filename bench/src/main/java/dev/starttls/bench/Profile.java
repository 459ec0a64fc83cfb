package dev.starttls.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the client's CPU time goes: a JFR recording (execution samples every 1 ms) of {@code work}, summarized as the
 * methods most often on top of the stack (self) and the library's methods most often anywhere on it (inclusive).
 */
final class Profile {
    private Profile() {
    }

    /** Runs {@code work} under JFR and returns a Markdown summary of the samples. */
    static String of(String title, Runnable work, int top) throws Exception {
        Path file = Files.createTempFile("bench", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getStackTrace() == null
                    || !event.getThread("sampledThread").getJavaName().startsWith("main")) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.get(0)), 1, Integer::sum);
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (name.startsWith("dev.starttls.") && !name.startsWith("dev.starttls.bench") && !name.contains("$$Lambda")
                        && !name.contains("lambda$") && seen.add(name)) {
                    inclusive.merge(name, 1, Integer::sum);
                }
                String jsse = area(name);
                if (jsse != null && seen.add(jsse)) {
                    inclusive.merge(jsse, 1, Integer::sum);
                }
            }
        }
        Files.deleteIfExists(file);
        StringBuilder out = new StringBuilder();
        out.append(title).append(": ").append(samples).append(" samples of the client thread (JFR, 1 ms).\n\n");
        out.append("| on top of the stack (self) | share |\n|---|---:|\n");
        append(out, self, samples, top);
        out.append("\n| anywhere on the stack (inclusive) | share |\n|---|---:|\n");
        append(out, inclusive, samples, top);
        return out.toString();
    }

    /** Coarse areas worth a line of their own in the inclusive table. */
    private static String area(String name) {
        if (name.startsWith("sun.security.ssl.")) {
            return "(all of JSSE: sun.security.ssl.*)";
        }
        if (name.startsWith("sun.security.provider.certpath.") || name.startsWith("sun.security.validator.")) {
            return "(certificate path validation)";
        }
        if (name.startsWith("java.net.") || name.startsWith("sun.nio.ch.")) {
            return "(socket calls: java.net / sun.nio.ch)";
        }
        return null;
    }

    private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
        for (Map.Entry<String, Integer> e : counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .collect(Collectors.toList())) {
            out.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", e.getKey(),
                    100.0 * e.getValue() / Math.max(1, samples)));
        }
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
