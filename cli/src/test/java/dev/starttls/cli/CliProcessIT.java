package dev.starttls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starttls.testkit.ScriptedServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java -jar cli/target/starttls.jar} as a real process (run by failsafe after {@code package}): exit statuses,
 * JSON, a batch killed mid-way and resumed, {@code serve} driven by {@code openssl s_client}, and the demo.
 */
@Timeout(180)
class CliProcessIT extends AgainstTheKit {
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        ca = trust("ca.pem", mail.ca());
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("starttls.jar", "target/starttls.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is built by the package phase");
        return jar;
    }

    static ProcessBuilder starttls(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Runs to completion with no stdin. */
    static Cli.Run run(String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = starttls(args).redirectInput(new File("/dev/null")).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "starttls " + String.join(" ", args) + " did not end");
        return new Cli.Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void exitStatusSaysWhatHappened() throws Exception {
        String smtp = "smtp://localhost:" + mail.smtpPort();
        Cli.Run ok = run("probe", "--json", "--ca", ca, smtp);
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals("TLSv1.3", ok.json().at("/handshake/protocol").asText());
        assertTrue(ok.json().at("/capabilitiesBeforeTls").toString().contains("STARTTLS"), ok.toString());

        try (ScriptedServer wrongHost = HostileServers.wrongHost(mail.ca());
                ScriptedServer stripped = HostileServers.strippedSmtp()) {
            Cli.Run refused = run("probe", "--json", "--ca", ca, "smtps://localhost:" + wrongHost.port());
            assertEquals(1, refused.exit(), refused.toString());
            ProbeCommandTest.assertFailure(refused.json(), "CERTIFICATE", "mail.example.net");
            Cli.Run strip = run("probe", "--json", "--ca", ca, "smtp://localhost:" + stripped.port());
            assertEquals(1, strip.exit(), strip.toString());
            ProbeCommandTest.assertFailure(strip.json(), "STARTTLS_NOT_OFFERED", "STARTTLS");
        }
        Cli.Run soon = run("probe", "--warn-days", "30", "--ca", ca, smtp);
        assertEquals(3, soon.exit(), soon.toString());
        Cli.Run usage = run("probe", "ftp:/nothing");
        assertEquals(2, usage.exit(), usage.toString());
        assertTrue(usage.err().contains("Usage: starttls probe"), usage.toString());
    }

    @Test
    void resumeAfterAKilledRunCompletesTheRestWithoutRepeatingAny() throws Exception {
        int closedPort = HostileServers.closedPort();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add("imap://127.0.0.1:" + closedPort + "#" + i); // fast failures: the batch mechanics are tested
        }
        Path targets = Files.write(dir.resolve("kill.txt"), all);
        Path first = dir.resolve("first.jsonl");
        Process killed = starttls("probe", "--targets", targets.toString(), "--rate", "50", "--concurrency", "4")
                .redirectInput(new File("/dev/null")).redirectOutput(first.toFile())
                .redirectError(dir.resolve("first.err").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readAllLines(first).size() < 60 && System.nanoTime() < deadline && killed.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(killed.isAlive(), "the batch should still be running at 60 of 300 at 50 connections/s");
        killed.destroyForcibly(); // SIGKILL: no shutdown hook, no summary, maybe half a line
        assertTrue(killed.waitFor(10, TimeUnit.SECONDS));

        Set<String> answered = new HashSet<>();
        for (String line : Files.readAllLines(first)) {
            try {
                answered.add(Cli.JSON.readTree(line).get("target").asText());
            } catch (IOException cutShort) {
                // the resumed run must probe it again
            }
        }
        assertTrue(answered.size() >= 60 && answered.size() < 300, answered.size() + " answered before the kill");

        Cli.Run rest = run("probe", "--targets", targets.toString(), "--resume", first.toString(), "--concurrency",
                "8");
        assertEquals(1, rest.exit(), rest.err());
        List<String> resumed = new ArrayList<>();
        for (JsonNode line : rest.jsonLines()) {
            resumed.add(line.get("target").asText());
            assertEquals("CONNECT", line.at("/error/failure").asText(), line.toString());
        }
        assertEquals(resumed.size(), new HashSet<>(resumed).size(), "each target once");
        Set<String> overlap = new HashSet<>(resumed);
        overlap.retainAll(answered);
        assertEquals(Set.of(), overlap, "no target answered before the kill is probed again");
        Set<String> union = new HashSet<>(answered);
        union.addAll(resumed);
        assertEquals(new HashSet<>(all), union);
    }

    @Test
    void serveIsVerifiedByOpenSslAndStopsAtTheEndOfStdin() throws Exception {
        Path caOut = dir.resolve("serve-ca.pem");
        Process serve = starttls("serve", "--ca-out", caOut.toString(), "--user", "alice:secret", "--stop-on-eof")
                .redirectError(dir.resolve("serve.err").toFile()).start();
        try {
            JsonNode ports = announcedPorts(serve);
            assertEquals("127.0.0.1", ports.get("host").asText());
            assertEquals(caOut.toAbsolutePath().toString(), ports.get("ca").asText());
            for (String protocol : List.of("smtp", "imap", "pop3", "ftp")) {
                String output = openSslStartTls(protocol, ports.get(protocol).asInt(), caOut);
                assertTrue(output.contains("Verification: OK"), protocol + ":\n" + output);
                assertTrue(output.contains("Protocol version: TLSv1.3"), protocol + ":\n" + output);
            }
            serve.getOutputStream().close(); // stdin EOF
            assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve stops at the end of stdin");
            assertEquals(0, serve.exitValue());
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void serveStopsOnTermination() throws Exception {
        Process serve = starttls("serve").redirectError(dir.resolve("serve-term.err").toFile()).start();
        try {
            int smtp = announcedPorts(serve).get("smtp").asInt();
            serve.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook closes the servers
            assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve stops on SIGTERM");
            Cli.Run after = run("probe", "--json", "--timeout", "2", "smtp://127.0.0.1:" + smtp);
            assertEquals("CONNECT", after.json().at("/error/failure").asText(), after.toString());
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void demoPassesEveryCheckWithinSeconds() throws Exception {
        long start = System.nanoTime();
        Cli.Run demo = run("demo");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertEquals(0, demo.exit(), demo.toString());
        assertTrue(demo.out().contains("14 of 14 checks passed"), demo.toString());
        assertTrue(demo.out().contains("CERTIFICATE: TLS handshake with localhost:"), demo.toString());
        assertTrue(seconds < 60, seconds + " s on a loaded machine; a few seconds on an idle one");
    }

    @Test
    void launcherRunsTheJar() throws Exception {
        Path launcher = jar().toAbsolutePath().getParent().getParent().getParent().resolve("starttls");
        Process process = new ProcessBuilder("bash", launcher.toString(), "--version").redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertEquals("starttls 0.1\n", output);
    }

    /** Reads serve's stdout up to its JSON line. */
    static JsonNode announcedPorts(Process serve) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null;) {
            seen.append(line).append('\n');
            if (line.startsWith("{")) {
                return Cli.JSON.readTree(line);
            }
        }
        throw new AssertionError("serve printed no JSON line:\n" + seen);
    }

    static String openSslStartTls(String protocol, int port, Path ca) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "s_client", "-starttls", protocol, "-connect",
                "127.0.0.1:" + port, "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile",
                ca.toString(), "-verify_return_error", "-brief").redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(20, TimeUnit.SECONDS), "openssl did not finish: " + output);
        assertEquals(0, openssl.exitValue(), output);
        return output;
    }
}
