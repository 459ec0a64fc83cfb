package dev.starttls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code starttls serve --hostile ...}: the test kit's hostile switches as flags, for tests in any language. */
class ServeHostileTest {
    @TempDir
    Path dir;

    /** Runs serve in-process until stdin ends; returns the ports line it printed. */
    private static final class Serving implements AutoCloseable {
        final PipedOutputStream stdin = new PipedOutputStream();
        final CompletableFuture<Integer> exit;
        final JsonNode ports;

        Serving(String... args) throws Exception {
            ServeCommand serve = new ServeCommand();
            serve.stdin = new PipedInputStream(stdin);
            PipedWriter written = new PipedWriter();
            BufferedReader printed = new BufferedReader(new PipedReader(written, 1 << 16));
            CommandLine cli = new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).setOut(new PrintWriter(written, true))
                    .setErr(new PrintWriter(System.err, true));
            exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
            exit.whenComplete((code, failure) -> {
                try {
                    written.close(); // a serve that ended early ends the wait for its ports line
                } catch (java.io.IOException ignored) {
                    // nothing to read then
                }
            });
            String line;
            while ((line = printed.readLine()) != null && !line.startsWith("{")) {
                // human-readable lines before the JSON line
            }
            if (line == null) {
                throw new AssertionError("serve printed no ports line; exit " + exit.get(10, TimeUnit.SECONDS));
            }
            ports = Cli.JSON.readTree(line);
        }

        @Override
        public void close() throws Exception {
            stdin.close();
            assertEquals(ExitCodes.OK, exit.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(60)
    void aStrippingServerMakesTheProbeFailWithStartTlsNotOffered() throws Exception {
        Path ca = dir.resolve("ca.pem");
        try (Serving serving = new Serving("--ca-out", ca.toString(), "--stop-on-eof", "--hostile", "strip_starttls")) {
            assertTrue(Files.size(ca) > 0);
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca.toString(), "--timeout", "5",
                    "smtp://localhost:" + serving.ports.get("smtp").asInt());
            assertEquals(ExitCodes.FAILED, run.exit(), run.toString());
            assertEquals("STARTTLS_NOT_OFFERED", run.json().get("error").get("failure").asText(), run.toString());
        }
    }

    @Test
    @Timeout(60)
    void aWrongHostCertificateMakesTheProbeFailWithCertificate() throws Exception {
        Path ca = dir.resolve("ca.pem");
        try (Serving serving = new Serving("--ca-out", ca.toString(), "--stop-on-eof",
                "--hostile", "WRONG_HOST_CERTIFICATE")) {
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca.toString(), "--timeout", "5",
                    "imaps://localhost:" + serving.ports.get("imaps").asInt());
            assertEquals("CERTIFICATE", run.json().get("error").get("failure").asText(), run.toString());
        }
    }

    @Test
    void anUnknownSwitchIsAUsageError() {
        Cli.Run run = Cli.run("serve", "--hostile", "be-nice");
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("STRIP_STARTTLS"), "the error lists the switches: " + run.err());
    }
}
