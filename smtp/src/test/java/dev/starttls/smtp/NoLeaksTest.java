package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Failed upgrades leave nothing behind: no open file descriptor, no thread. */
@EnabledOnOs(OS.LINUX) // counts /proc/self/fd
class NoLeaksTest {
    private final CertificateAuthority ca = CertificateAuthority.create();

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void failedUpgradesCloseEverySocketTheyTouched() throws Exception {
        HeldCertificate wrongHost = ca.issue("mail.example.com");
        TlsPolicy policy = ca.trustingPolicy().newBuilder().readTimeout(Duration.ofMillis(300)).build();
        List<ScriptedServer.Script> scripts = List.of(
                c -> { // not offered
                    c.sendLine("220 x");
                    c.readLine();
                    c.sendLine("250 x");
                    c.readUntilClosed();
                },
                c -> { // injection
                    c.sendLine("220 x");
                    c.readLine();
                    c.send("250-x\r\n250 STARTTLS\r\n");
                    c.readLine();
                    c.send("220 go\r\n250 injected\r\n");
                    c.readUntilClosed();
                },
                c -> { // certificate
                    c.sendLine("220 x");
                    c.readLine();
                    c.send("250-x\r\n250 STARTTLS\r\n");
                    c.readLine();
                    c.sendLine("220 go");
                    c.startTls(wrongHost);
                },
                c -> c.pause(Duration.ofSeconds(2))); // silent: timeout
        // warm up class loading, the watchdog thread and JSSE's caches before taking the baseline
        runAll(scripts, policy);
        long fdsBefore = openFileDescriptors();
        for (int round = 0; round < 5; round++) {
            runAll(scripts, policy);
        }
        Thread.sleep(200); // let server threads finish closing their ends
        long fdsAfter = openFileDescriptors();
        assertTrue(fdsAfter <= fdsBefore + 2, "file descriptors before " + fdsBefore + ", after " + fdsAfter);
        assertEquals(0, threadsNamed("scripted-server"), "server threads still alive");
    }

    private static void runAll(List<ScriptedServer.Script> scripts, TlsPolicy policy) throws Exception {
        for (ScriptedServer.Script script : scripts) {
            try (ScriptedServer server = ScriptedServer.start(script)) {
                Socket socket = new Socket("localhost", server.port());
                assertThrows(TlsUpgradeException.class, () -> SmtpTls.upgrade(socket, "localhost", policy));
                assertTrue(socket.isClosed());
            }
        }
    }
}
