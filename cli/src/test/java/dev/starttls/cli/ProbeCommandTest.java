package dev.starttls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.TlsFtpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code starttls probe} in-process against the test kit's servers and hostile ones. */
@Timeout(60)
class ProbeCommandTest extends AgainstTheKit {
    private static TlsFtpServer ftp;
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        ftp = TlsFtpServer.start();
        ca = trust("ca.pem", mail.ca(), ftp.ca());
    }

    @AfterAll
    static void stop() {
        ftp.close();
    }

    static String url(String scheme) {
        int port = switch (scheme) {
            case "smtp" -> mail.smtpPort();
            case "smtps" -> mail.smtpsPort();
            case "imap" -> mail.imapPort();
            case "imaps" -> mail.imapsPort();
            case "pop3" -> mail.pop3Port();
            case "pop3s" -> mail.pop3sPort();
            case "ftp" -> ftp.explicitPort();
            case "ftps" -> ftp.implicitPort();
            default -> throw new IllegalArgumentException(scheme);
        };
        return scheme + "://localhost:" + port;
    }

    @ParameterizedTest
    @ValueSource(strings = {"smtp", "smtps", "imap", "imaps", "pop3", "pop3s", "ftp", "ftps"})
    void eachSchemeUpgradesWithTheGivenCa(String scheme) {
        Cli.Run run = Cli.run("probe", "--ca", ca, url(scheme));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith(url(scheme) + "  OK  TLSv1.3 "), run.toString());
        assertTrue(run.out().contains("names    localhost, 127.0.0.1"), run.toString());
        assertTrue(run.out().contains("(" + Target.parse(url(scheme)).scheme().mode() + ")"), run.toString());
    }

    @Test
    void jsonCarriesHandshakeChainCapabilitiesAndPhaseTimes() {
        Cli.Run run = Cli.run("probe", "--json", "--ca", ca, url("smtp"));
        assertEquals(0, run.exit(), run.toString());
        JsonNode json = run.json();
        assertEquals(url("smtp"), json.get("target").asText());
        assertEquals("smtp", json.get("scheme").asText());
        assertEquals("localhost", json.get("host").asText());
        assertEquals(mail.smtpPort(), json.get("port").asInt());
        assertEquals("starttls", json.get("mode").asText());
        assertTrue(json.get("ok").asBoolean());
        assertTrue(json.get("tls").asBoolean());
        assertEquals("TLSv1.3", json.at("/handshake/protocol").asText());
        assertTrue(json.at("/handshake/cipherSuite").asText().startsWith("TLS_"), json.toString());
        assertTrue(json.at("/handshake/alpn").isNull(), json.toString());
        assertFalse(json.at("/handshake/resumed").asBoolean());
        JsonNode leaf = json.at("/chain/0");
        assertEquals("CN=localhost", leaf.get("subject").asText());
        assertEquals(mail.ca().certificate().getSubjectX500Principal().getName(), leaf.get("issuer").asText());
        assertEquals("localhost", leaf.at("/sans/0").asText());
        assertEquals(0, leaf.get("daysLeft").asInt(), "the kit's certificates are valid for a day");
        assertTrue(leaf.get("notAfter").asText().endsWith("Z"), leaf.toString());
        assertFalse(leaf.has("pem"), "PEM only with --pem");
        assertTrue(strings(json.get("capabilitiesBeforeTls")).contains("STARTTLS"), json.toString());
        assertFalse(strings(json.get("capabilities")).contains("STARTTLS"), "RFC 3207 4.2: " + json);
        for (String phase : List.of("connect", "plaintext", "handshake", "afterTls", "total")) {
            assertTrue(json.at("/timeMs/" + phase).asDouble() > 0, phase + " in " + json);
        }
        assertFalse(json.has("error"));
    }

    @Test
    void pemPrintsTheChain() {
        Cli.Run human = Cli.run("probe", "--pem", "--ca", ca, url("imaps"));
        assertEquals(0, human.exit(), human.toString());
        assertTrue(human.out().contains("-----BEGIN CERTIFICATE-----\n"), human.toString());
        Cli.Run json = Cli.run("probe", "--pem", "--json", "--ca", ca, url("imaps"));
        assertTrue(json.json().at("/chain/0/pem").asText().startsWith("-----BEGIN CERTIFICATE-----"), json.toString());
    }

    @Test
    void wrongHostCertificateFailsWithCertificate() {
        try (ScriptedServer server = HostileServers.wrongHost(mail.ca())) {
            String target = "smtps://localhost:" + server.port();
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca, target);
            assertEquals(1, run.exit(), run.toString());
            assertFailure(run.json(), "CERTIFICATE", "mail.example.net");
            Cli.Run human = Cli.run("probe", "--ca", ca, target);
            assertEquals(1, human.exit(), human.toString());
            assertTrue(human.out().startsWith(target + "  FAILED  CERTIFICATE\n"), human.toString());
        }
    }

    @Test
    void expiredCertificateFailsWithCertificate() {
        try (ScriptedServer server = HostileServers.expired(mail.ca())) {
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca, "pop3s://localhost:" + server.port());
            assertEquals(1, run.exit(), run.toString());
            assertFailure(run.json(), "CERTIFICATE", "expired");
        }
    }

    @Test
    void untrustedCaFailsWithCertificate() throws Exception {
        Path other = CertificateAuthority.create().writeCertificatePem(dir.resolve("other.pem"));
        Cli.Run run = Cli.run("probe", "--json", "--ca", other.toString(), url("imap"));
        assertEquals(1, run.exit(), run.toString());
        assertFailure(run.json(), "CERTIFICATE", "localhost");
    }

    @Test
    void strippedStartTlsFailsUnlessOpportunistic() {
        try (ScriptedServer server = HostileServers.strippedSmtp()) {
            String target = "smtp://localhost:" + server.port();
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca, target);
            assertEquals(1, run.exit(), run.toString());
            assertFailure(run.json(), "STARTTLS_NOT_OFFERED", "stripping");

            Cli.Run opportunistic = Cli.run("probe", "--json", "--opportunistic", "--ca", ca, target);
            assertEquals(0, opportunistic.exit(), opportunistic.toString());
            JsonNode json = opportunistic.json();
            assertTrue(json.get("ok").asBoolean());
            assertFalse(json.get("tls").asBoolean());
            assertFalse(json.has("handshake"));
        }
    }

    @Test
    void silentServerTimesOutWithinTheTimeout() {
        try (ScriptedServer server = HostileServers.silent()) {
            long start = System.nanoTime();
            Cli.Run run = Cli.run("probe", "--json", "--timeout", "0.5", "smtp://localhost:" + server.port());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, run.exit(), run.toString());
            assertFailure(run.json(), "TIMEOUT", "no greeting");
            assertTrue(millis < 5_000, millis + " ms");
        }
    }

    @Test
    void closedPortFailsWithConnect() throws Exception {
        Cli.Run run = Cli.run("probe", "--json", "imap://127.0.0.1:" + HostileServers.closedPort());
        assertEquals(1, run.exit(), run.toString());
        assertFailure(run.json(), "CONNECT", "127.0.0.1");
    }

    @Test
    void certificateExpiringWithinWarnDaysExits3() {
        Cli.Run soon = Cli.run("probe", "--json", "--warn-days", "2", "--ca", ca, url("smtps"));
        assertEquals(3, soon.exit(), soon.toString());
        assertTrue(soon.json().get("expiresSoon").asBoolean(), soon.toString());
        Cli.Run human = Cli.run("probe", "--warn-days", "2", "--ca", ca, url("smtps"));
        assertEquals(3, human.exit(), human.toString());
        assertTrue(human.out().contains("WARNING"), human.toString());
        Cli.Run later = Cli.run("probe", "--json", "--warn-days", "0", "--ca", ca, url("smtps"));
        assertEquals(0, later.exit(), later.toString());
        assertFalse(later.json().get("expiresSoon").asBoolean(), later.toString());
    }

    @Test
    void oneFailureAmongSeveralUrlsExits1() throws Exception {
        Cli.Run run = Cli.run("probe", "--json", "--ca", ca, url("smtp"), "smtp://127.0.0.1:"
                + HostileServers.closedPort(), url("pop3"));
        assertEquals(1, run.exit(), run.toString());
        assertEquals(3, run.jsonLines().size(), run.toString());
        assertEquals(2, run.jsonLines().stream().filter(j -> j.get("ok").asBoolean()).count(), run.toString());
    }

    @Test
    void serverNameIsVerifiedInsteadOfTheHost() {
        String byAddress = "imaps://127.0.0.1:" + mail.imapsPort();
        Cli.Run good = Cli.run("probe", "--json", "--servername", "localhost", "--ca", ca, byAddress);
        assertEquals(0, good.exit(), good.toString());
        Cli.Run wrong = Cli.run("probe", "--json", "--servername", "mail.example.net", "--ca", ca, byAddress);
        assertEquals(1, wrong.exit(), wrong.toString());
        assertFailure(wrong.json(), "CERTIFICATE", "mail.example.net");
    }

    @Test
    void tlsVersionFlagsChooseTheProtocol() {
        Cli.Run tls12 = Cli.run("probe", "--json", "--tls1.2", "--ca", ca, url("smtp"));
        assertEquals(0, tls12.exit(), tls12.toString());
        assertEquals("TLSv1.2", tls12.json().at("/handshake/protocol").asText());
        Cli.Run tls13 = Cli.run("probe", "--json", "--tls1.3", "--ca", ca, url("smtp"));
        assertEquals("TLSv1.3", tls13.json().at("/handshake/protocol").asText());
    }

    @Test
    void usageErrorsExit2() throws Exception {
        Path targets = Files.writeString(dir.resolve("targets.txt"), url("smtp") + "\n");
        List<String[]> bad = List.of(
                new String[] {},
                new String[] {"probe"},
                new String[] {"probe", "--no-such-option", url("smtp")},
                new String[] {"probe", "gopher://localhost:70"},
                new String[] {"probe", "smtp://"},
                new String[] {"probe", "smtp://localhost:25/path"},
                new String[] {"probe", "--targets", targets.toString(), url("smtp")},
                new String[] {"probe", "--targets", dir.resolve("missing.txt").toString()},
                new String[] {"probe", "--shard", "4/4", "--targets", targets.toString()},
                new String[] {"probe", "--shard", "x", "--targets", targets.toString()},
                new String[] {"probe", "--timeout", "0", url("smtp")},
                new String[] {"probe", "--concurrency", "0", url("smtp")},
                new String[] {"probe", "--warn-days", "-1", url("smtp")},
                new String[] {"probe", "--ca", dir.resolve("missing.pem").toString(), url("smtp")},
                new String[] {"serve", "--user", "nocolon"});
        for (String[] args : bad) {
            Cli.Run run = Cli.run(args);
            assertEquals(2, run.exit(), String.join(" ", args) + "\n" + run);
            assertFalse(run.err().isBlank(), "a usage error says what is wrong: " + String.join(" ", args));
        }
    }

    static void assertFailure(JsonNode json, String failure, String messagePart) {
        assertFalse(json.get("ok").asBoolean(), json.toString());
        assertEquals(failure, json.at("/error/failure").asText(), json.toString());
        assertTrue(json.at("/error/message").asText().contains(messagePart), json.toString());
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
