package dev.starttls.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Shard {@code index} of {@code count} ({@code --shard k/N}, k from 0, as Kubernetes' {@code JOB_COMPLETION_INDEX}):
 * keeps the targets whose stable hash (SHA-256 of the target line) falls in it, so N runs over the same list, on any
 * machines, in any order, cover every target exactly once.
 */
record Shard(int index, int count) {
    static final Shard ALL = new Shard(0, 1);

    Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard must be k/N with 0 <= k < N: " + index + "/" + count);
        }
    }

    boolean contains(String targetLine) {
        return count == 1 || Long.remainderUnsigned(hash(targetLine), count) == index;
    }

    private static long hash(String line) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                h = (h << 8) | (digest[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** Parses {@code k/N} for picocli. */
    static final class Converter implements ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            String[] parts = value.split("/", -1);
            try {
                if (parts.length == 2) {
                    return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                }
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a shard k/N with 0 <= k < N");
            }
            throw new TypeConversionException("'" + value + "' is not a shard k/N with 0 <= k < N");
        }
    }
}
