package dev.starttls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real servers from Debian packages, started by one of the repository's {@code interop/*-servers} scripts
 * ({@code start DIR}) once per test run, whichever test class asks first, and stopped by pid when the run ends
 * ({@code stop DIR}). What the script wrote to
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
 * <p>Not thread-safe: one instance per test class, read by its tests after {@code beforeAll}; the servers themselves
 * are shared by every class that registers the same script.
 */
final class RealServers implements BeforeAllCallback, BeforeEachCallback {
    /** A fresh install of every package takes about 35 s on a fast mirror, several minutes on a slow one. */
    private static final long START_SECONDS = 300;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealServers.class);

    private final String script;
    private final String servers;
    private final Map<String, String> env = new HashMap<>();
    private Started started;

    /**
     * @param script the script's name under {@code interop/} ({@code mail-servers})
     * @param servers what it starts, for the skip message ({@code Postfix/Dovecot})
     */
    RealServers(String script, String servers) {
        this.script = script;
        this.servers = servers;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Started once per test run, whichever class asks first, and stopped when the run ends (the root store closes).
        started = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(script, name -> Started.start(name, servers), Started.class);
        env.putAll(started.env);
    }

    /** Skips each test, not the class: Surefire counts a skipped class as zero tests, a skipped test as skipped. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (started.failure != null) {
            Assumptions.abort(started.failure);
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

    /** An upgrade of a connected socket, as {@code SmtpTls::upgrade} or {@code HttpTls::implicit}. */
    @FunctionalInterface
    interface SocketUpgrade {
        TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException;
    }

    /**
     * Connects to the port recorded as {@code port}, runs {@code upgrade} for {@code localhost} under {@code protocol},
     * and asserts that it fails with {@code CERTIFICATE} and leaves the socket closed.
     */
    void assertCertificateRefused(String port, String protocol, SocketUpgrade upgrade) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(port));
        TlsPolicy policy = policy(protocol);
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> upgrade.upgrade(socket, "localhost", policy));
        assertEquals(Failure.CERTIFICATE, e.failure(), e.getMessage());
        assertTrue(socket.isClosed(), "the socket is closed after the refusal");
    }

    /** A policy trusting only the servers' throwaway CA, limited to {@code protocol} ({@code TLSv1.3}). */
    TlsPolicy policy(String protocol) throws IOException {
        return TlsPolicy.builder().trustPem(Path.of(value("ca"))).protocols(protocol).build();
    }

    /** One start of one script: its directory and what it recorded, or why it could not start. */
    private static final class Started implements AutoCloseable { // JUnit closes AutoCloseable store values (5.13+)
        private final Path script;
        private final Path dir;
        private final Map<String, String> env = new HashMap<>();
        private String failure;

        private Started(Path script, Path dir) {
            this.script = script;
            this.dir = dir;
        }

        static Started start(String name, String servers) {
            Path script = findScript(name);
            Started started;
            try {
                started = new Started(script, Files.createTempDirectory("starttls-" + name));
                started.run(servers);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + servers, e);
            }
            return started;
        }

        private void run(String servers) throws IOException, InterruptedException {
            Path log = dir.resolve("start.log");
            Process process = new ProcessBuilder("bash", script.toString(), "start", dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = process.waitFor(START_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!ended || process.exitValue() != 0) {
                close();
                failure = servers + " could not be installed or started by " + script.getParent().getFileName() + "/"
                        + script.getFileName() + " (root and the Debian package mirror are needed). Last output: "
                        + output.substring(Math.max(0, output.length() - 400)).strip();
                return;
            }
            System.out.println(output.lines().filter(l -> l.contains("started")).findFirst().orElse(output));
            for (String line : Files.readAllLines(dir.resolve("servers.env"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }

        @Override
        public void close() throws IOException {
            try {
                new ProcessBuilder("bash", script.toString(), "stop", dir.toString()).inheritIO().start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
