package dev.starttls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The target lines of a batch ({@code --targets FILE|-}): one URL a line, blank lines and {@code #} comments skipped,
 * then narrowed to one {@link Shard} and to the targets an earlier output ({@code --resume}) does not already hold.
 */
final class TargetList {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TargetList() {
    }

    /** Reads target lines, trimmed, without blanks and comments. */
    static List<String> read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null;) {
                String target = line.strip();
                if (!target.isEmpty() && !target.startsWith("#")) {
                    lines.add(target);
                }
            }
        }
        return lines;
    }

    /**
     * The targets an earlier JSON Lines output already answered. A run that was killed may have left its last line
     * cut short: lines that do not parse are not answers, so their targets are probed again.
     */
    static Set<String> done(Path earlierOutput) throws IOException {
        Set<String> done = new HashSet<>();
        if (!Files.exists(earlierOutput)) {
            return done; // the first run of a job that always passes --resume
        }
        try (BufferedReader reader = Files.newBufferedReader(earlierOutput, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null;) {
                try {
                    JsonNode target = MAPPER.readTree(line).get("target");
                    if (target != null && target.isTextual()) {
                        done.add(target.asText());
                    }
                } catch (IOException cutShort) {
                    // not a complete answer
                }
            }
        }
        return done;
    }

    /** The lines in {@code shard} that are not in {@code done}, in their order, each once. */
    static List<String> select(List<String> lines, Shard shard, Set<String> done) {
        Set<String> seen = new HashSet<>(done);
        List<String> selected = new ArrayList<>();
        for (String line : lines) {
            if (shard.contains(line) && seen.add(line)) {
                selected.add(line);
            }
        }
        return selected;
    }
}
