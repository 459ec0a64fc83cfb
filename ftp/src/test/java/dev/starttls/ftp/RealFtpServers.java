package dev.starttls.ftp;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real vsftpd and ProFTPD (mod_tls), explicit and implicit, started by the repository's {@code interop/ftp-servers}
 * script for one test class and stopped by pid afterwards; session reuse is required by all four. Tests are skipped,
 * with one message, when the servers cannot be installed or started (no root, no package mirror).
 */
final class RealFtpServers implements BeforeAllCallback, AfterAllCallback {
    private static final long START_SECONDS = 240;

    private Path script;
    private Path dir;
    private Map<String, String> env;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        script = findScript();
        dir = Files.createTempDirectory("starttls-ftp-servers");
        Process process = new ProcessBuilder("bash", script.toString(), "start", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("start.log").toFile()).start();
        boolean ended = process.waitFor(START_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        if (!ended || process.exitValue() != 0) {
            String log = Files.readString(dir.resolve("start.log"), StandardCharsets.UTF_8);
            stop();
            Assumptions.abort("vsftpd/ProFTPD could not be installed or started by interop/ftp-servers (root and the "
                    + "Debian package mirror are needed); skipping the real-server FTP tests. Last output: "
                    + log.substring(Math.max(0, log.length() - 400)).strip());
        }
        env = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("servers.env"))) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    private void stop() throws IOException, InterruptedException {
        if (dir != null) {
            new ProcessBuilder("bash", script.toString(), "stop", dir.toString()).inheritIO().start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The port of {@code vsftpd-explicit}, {@code vsftpd-implicit}, {@code proftpd-explicit}, {@code proftpd-implicit}. */
    int port(String server) {
        return Integer.parseInt(env.get(server));
    }

    String user() {
        return env.get("user");
    }

    String password() {
        return env.get("password");
    }

    /** The name of the 1 MiB file in the user's home, its size and its SHA-256 (hex). */
    String file() {
        return env.get("file");
    }

    long size() {
        return Long.parseLong(env.get("size"));
    }

    String sha256() {
        return env.get("sha256");
    }

    /** A policy trusting the servers' throwaway CA, limited to {@code protocol}. */
    TlsPolicy policy(String protocol) throws IOException {
        return TlsPolicy.builder().trustPem(Path.of(env.get("ca"))).protocols(protocol).build();
    }

    private static Path findScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("interop/ftp-servers");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("interop/ftp-servers not found above " + Path.of("").toAbsolutePath());
    }
}
