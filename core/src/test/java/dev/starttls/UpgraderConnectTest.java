package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Bad arguments to {@link Upgrader#connectPlain} fail before anything is allocated. */
class UpgraderConnectTest {
    private static long openFileDescriptors() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX) // counts /proc/self/fd
    void aPortOutOfRangeLeaksNoSocket() throws Exception {
        Upgrader upgrader = Upgrader.of(TlsPolicy.defaults());
        long before = openFileDescriptors();
        for (int i = 0; i < 50; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> upgrader.connectPlain("localhost", 70000));
            assertTrue(e.getMessage().contains("70000"), e.getMessage());
        }
        long after = openFileDescriptors();
        assertTrue(after <= before + 2, "file descriptors before " + before + ", after " + after);
    }
}
