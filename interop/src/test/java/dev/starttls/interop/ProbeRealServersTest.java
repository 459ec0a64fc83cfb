package dev.starttls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same checks through the command line: {@code starttls probe --json} (the real jar, as a user runs it) against
 * Postfix, Dovecot and vsftpd, under TLS 1.3 and TLS 1.2; the bad-certificate ports exit 1 with {@code CERTIFICATE}.
 */
@Tag("interop")
@Timeout(120)
class ProbeRealServersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealServers mail = new RealServers("mail-servers", "Postfix/Dovecot");

    /** Runs {@code java -jar cli/target/starttls.jar args...}; returns the exit status and the JSON it printed. */
    private static JsonNode probe(int expectedExit, String... args) throws Exception {
        Path jar = Path.of("..", "cli", "target", "starttls.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), "the CLI jar is built before this module: " + jar);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "probe"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        assertEquals(expectedExit, process.exitValue(), out);
        return JSON.readTree(out);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"smtp, smtp-submission, TLSv1.3", "smtp, smtp-submission, TLSv1.2",
        "smtps, smtp-submissions, TLSv1.3", "imap, imap, TLSv1.2", "imaps, imaps, TLSv1.3",
        "pop3, pop3, TLSv1.3", "pop3s, pop3s, TLSv1.2"})
    void probeReportsTheUpgradeOfEachRealServer(String scheme, String port, String protocol) throws Exception {
        JsonNode result = probe(0, "--json", "--ca", mail.value("ca"), protocol.equals("TLSv1.3") ? "--tls1.3"
                : "--tls1.2", scheme + "://localhost:" + mail.port(port));
        assertTrue(result.get("ok").asBoolean(), result.toString());
        assertEquals(protocol, result.findValue("protocol").asText(), result.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"smtp-wrong-host", "smtp-expired", "smtp-self-signed"})
    void probeRefusesTheBadCertificatePorts(String port) throws Exception {
        JsonNode result = probe(1, "--json", "--ca", mail.value("ca"), "smtp://localhost:" + mail.port(port));
        assertEquals("CERTIFICATE", result.get("error").get("failure").asText(), result.toString());
    }

}
