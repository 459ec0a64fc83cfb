package dev.starttls.ftp;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One line of an {@code MLSD} listing (RFC 3659 7): a name and its facts ({@code type}, {@code size}, {@code modify},
 * ...; fact names in lower case).
 *
 * <pre>{@code
 * for (FtpEntry e : ftp.mlsd("reports")) {
 *     if (e.isFile()) System.out.println(e.name() + " " + e.size().orElse(-1));
 * }
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param name the entry's name, as the server sent it
 * @param facts the facts, keys in lower case
 * @since 0.1
 */
public record FtpEntry(String name, Map<String, String> facts) {
    public FtpEntry {
        facts = Map.copyOf(facts);
    }

    /** Parses {@code type=file;size=5; a.txt} (RFC 3659 7.2: facts, one space, the name). */
    static FtpEntry parse(String line) {
        int space = line.indexOf(' ');
        Map<String, String> facts = new TreeMap<>();
        for (String fact : line.substring(0, Math.max(space, 0)).split(";")) {
            int eq = fact.indexOf('=');
            if (eq > 0) {
                facts.put(fact.substring(0, eq).toLowerCase(Locale.ROOT), fact.substring(eq + 1));
            }
        }
        return new FtpEntry(line.substring(space + 1), facts);
    }

    /** The {@code type} fact: {@code file}, {@code dir}, {@code cdir}, {@code pdir}, ... (lower case). */
    public String type() {
        return facts.getOrDefault("type", "").toLowerCase(Locale.ROOT);
    }

    /** Whether the entry is a file. */
    public boolean isFile() {
        return type().equals("file");
    }

    /** The {@code size} fact, if present and numeric. */
    public Optional<Long> size() {
        try {
            return Optional.ofNullable(facts.get("size")).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
