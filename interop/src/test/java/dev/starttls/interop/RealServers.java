package dev.starttls.interop;

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
 * Real servers from Debian packages, started for one test class by one of the repository's {@code interop/*-servers}
 * scripts ({@code start DIR}) and stopped by pid afterwards ({@code stop DIR}). What the script wrote to
 * {@code DIR/servers.env} (ports, user, password, CA) is read back through {@link #port} and {@link #value}. The tests
 * of the class are skipped, with one line naming the script and its last output, when the servers cannot be installed
 * or started (no root, no package mirror).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RealServers mail = new RealServers("mail-servers", "Postfix/Dovecot");
 *
 * SmtpTls.connect("localhost", mail.port("smtp-submission"), mail.policy("TLSv1.3"));
 * }</pre>
 *
 * <p>Not thread-safe: one instance per test class, read by its tests after {@code beforeAll}.
 */
final class RealServers implements BeforeAllCallback, AfterAllCallback {
    /** A fresh install of every package takes about 35 s on a fast mirror, several minutes on a slow one. */
    private static final long START_SECONDS = 300;

    private final String script;
    private final String servers;
    private Path scriptPath;
    private Path dir;
    private final Map<String, String> env = new HashMap<>();

    /**
     * @param script the script's name under {@code interop/} ({@code mail-servers})
     * @param servers what it starts, for the skip message ({@code Postfix/Dovecot})
     */
    RealServers(String script, String servers) {
        this.script = script;
        this.servers = servers;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        scriptPath = findScript(script);
        dir = Files.createTempDirectory("starttls-" + script);
        Path log = dir.resolve("start.log");
        Process process = new ProcessBuilder("bash", scriptPath.toString(), "start", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(START_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        if (!ended || process.exitValue() != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            stop();
            Assumptions.abort(servers + " could not be installed or started by interop/" + script + " (root and the "
                    + "Debian package mirror are needed); skipping " + context.getDisplayName() + ". Last output: "
                    + output.substring(Math.max(0, output.length() - 400)).strip());
        }
        for (String line : Files.readAllLines(dir.resolve("servers.env"), StandardCharsets.UTF_8)) {
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
            new ProcessBuilder("bash", scriptPath.toString(), "stop", dir.toString()).inheritIO().start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The port the script recorded for {@code name} ({@code smtp-submission}, {@code vsftpd-implicit}, ...). */
    int port(String name) {
        return Integer.parseInt(value(name));
    }

    /** Any value the script recorded ({@code user}, {@code password}, ...). */
    String value(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalArgumentException("interop/" + script + " recorded no " + key + ": " + env.keySet());
        }
        return value;
    }

    /** A policy trusting only the servers' throwaway CA, limited to {@code protocol} ({@code TLSv1.3}). */
    TlsPolicy policy(String protocol) throws IOException {
        return TlsPolicy.builder().trustPem(Path.of(value("ca"))).protocols(protocol).build();
    }

    private static Path findScript(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("interop").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            candidate = p.resolve(name); // the working directory is interop/ itself under Surefire
            if (Files.isRegularFile(candidate) && p.endsWith("interop")) {
                return candidate;
            }
        }
        throw new IllegalStateException("interop/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
