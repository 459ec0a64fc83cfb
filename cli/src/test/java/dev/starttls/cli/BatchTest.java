package dev.starttls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starttls.testkit.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code starttls probe --targets}: many targets, good, hostile and silent, in-process. */
@Timeout(120)
class BatchTest extends AgainstTheKit {
    private static ScriptedServer stripped;
    private static ScriptedServer silent;
    private static ScriptedServer wrongHost;
    private static int closedPort;
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        stripped = HostileServers.strippedSmtp();
        silent = HostileServers.silent();
        wrongHost = HostileServers.wrongHost(mail.ca());
        closedPort = HostileServers.closedPort();
        ca = trust("ca.pem", mail.ca());
    }

    @AfterAll
    static void stop() {
        stripped.close();
        silent.close();
        wrongHost.close();
    }

    /** Target {@code i} of a mixed batch, and the failure kind it must get ({@code OK} for success). */
    static String[] mixed(int i) {
        String label = "#" + i;
        return switch (i % 10) {
            case 0, 6 -> new String[] {"smtp://localhost:" + mail.smtpPort() + label, "OK"};
            case 1 -> new String[] {"imaps://localhost:" + mail.imapsPort() + label, "OK"};
            case 2, 7 -> new String[] {"smtp://localhost:" + stripped.port() + label, "STARTTLS_NOT_OFFERED"};
            case 3 -> new String[] {"pop3://localhost:" + silent.port() + label, "TIMEOUT"};
            case 4, 8 -> new String[] {"imap://127.0.0.1:" + closedPort + label, "CONNECT"};
            case 5 -> new String[] {"pop3s://localhost:" + mail.pop3sPort() + label, "OK"};
            default -> new String[] {"smtps://localhost:" + wrongHost.port() + label, "CERTIFICATE"};
        };
    }

    static Map<String, String> writeTargets(Path file, int count) throws Exception {
        Map<String, String> expected = new HashMap<>();
        List<String> lines = new ArrayList<>(List.of("# a comment, then a blank line", ""));
        for (int i = 0; i < count; i++) {
            String[] target = mixed(i);
            expected.put(target[0], target[1]);
            lines.add(target[0]);
        }
        Files.write(file, lines);
        return expected;
    }

    static String outcome(JsonNode line) {
        return line.get("ok").asBoolean() ? "OK" : line.at("/error/failure").asText();
    }

    @Test
    void fiveHundredMixedTargetsGiveExactlyOneLineEachWithinTheirDeadlines() throws Exception {
        Path targets = dir.resolve("500.txt");
        Map<String, String> expected = writeTargets(targets, 500);
        long start = System.nanoTime();
        // a 5 s bound per step: 250 handshakes, both sides in this JVM, on a shared 2-core machine
        Cli.Run run = Cli.run("probe", "--targets", targets.toString(), "--ca", ca, "--timeout", "5",
                "--concurrency", "32");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertEquals(1, run.exit(), "some targets fail: " + run.err());
        List<JsonNode> lines = run.jsonLines();
        assertEquals(500, lines.size(), run.err());
        Map<String, JsonNode> got = new HashMap<>();
        for (JsonNode line : lines) {
            got.put(line.get("target").asText(), line);
        }
        assertEquals(List.of(), mismatches(expected, got));
        // 50 silent targets hold a worker for their 5 s greeting timeout each: about 8 s on 32 workers
        assertTrue(seconds < 90, seconds + " s");
        assertTrue(run.err().contains("500 targets: 200 ok, 300 failed (CERTIFICATE 50, CONNECT 100, "
                + "STARTTLS_NOT_OFFERED 100, TIMEOUT 50)"), run.err());
    }

    static List<String> mismatches(Map<String, String> expected, Map<String, JsonNode> got) {
        List<String> wrong = new ArrayList<>();
        expected.forEach((target, outcome) -> {
            JsonNode line = got.get(target);
            if (line == null || !outcome.equals(outcome(line))) {
                wrong.add(target + ": expected " + outcome + ", got " + line);
            }
        });
        got.keySet().stream().filter(t -> !expected.containsKey(t)).forEach(t -> wrong.add(t + ": not a target"));
        return wrong.size() > 10 ? wrong.subList(0, 10) : wrong;
    }

    @Test
    void fourShardsCoverEachTargetExactlyOnce() throws Exception {
        Path targets = dir.resolve("shards.txt");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add("imap://127.0.0.1:" + closedPort + "#" + i); // fails fast: sharding is what is tested
        }
        Files.write(targets, all);
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Cli.Run run = Cli.run("probe", "--targets", targets.toString(), "--shard", k + "/4", "--timeout", "1");
            List<JsonNode> lines = run.jsonLines();
            assertTrue(lines.size() > 20 && lines.size() < 80, "shard " + k + " has " + lines.size());
            lines.forEach(l -> seen.add(l.get("target").asText()));
        }
        assertEquals(all.size(), seen.size(), "no target in two shards");
        assertEquals(new HashSet<>(all), new HashSet<>(seen));
    }

    @Test
    void resumeSkipsAnsweredTargetsAndRetriesALineCutShort() throws Exception {
        Path targets = dir.resolve("resume.txt");
        Map<String, String> expected = writeTargets(targets, 60);
        Cli.Run first = Cli.run("probe", "--targets", targets.toString(), "--ca", ca, "--timeout", "1",
                "--shard", "0/2");
        List<String> firstLines = List.of(first.out().split("\n"));
        String cutShort = firstLines.get(firstLines.size() - 1);
        Path earlier = dir.resolve("earlier.jsonl");
        // the last line as a killed run may leave it: cut in the middle
        Files.writeString(earlier, first.out().substring(0, first.out().length() - cutShort.length() / 2 - 1));

        Cli.Run rest = Cli.run("probe", "--targets", targets.toString(), "--ca", ca, "--timeout", "1",
                "--resume", earlier.toString());
        Set<String> firstTargets = new HashSet<>();
        for (int i = 0; i < firstLines.size() - 1; i++) {
            firstTargets.add(Cli.JSON.readTree(firstLines.get(i)).get("target").asText());
        }
        Set<String> restTargets = new HashSet<>();
        for (JsonNode line : rest.jsonLines()) {
            assertTrue(restTargets.add(line.get("target").asText()), "probed twice: " + line);
            assertEquals(expected.get(line.get("target").asText()), outcome(line), line.toString());
        }
        assertTrue(restTargets.contains(Cli.JSON.readTree(cutShort).get("target").asText()),
                "the cut-short line's target is probed again");
        Set<String> overlap = new HashSet<>(firstTargets);
        overlap.retainAll(restTargets);
        assertEquals(Set.of(), overlap, "nothing answered before is probed again");
        Set<String> union = new HashSet<>(firstTargets);
        union.addAll(restTargets);
        assertEquals(expected.keySet(), union);
        assertTrue(rest.err().startsWith((firstLines.size() - 1) + " already done; "), rest.err());
    }

    @Test
    void anInvalidLineInABatchIsReportedNotFatal() throws Exception {
        Path targets = Files.write(dir.resolve("invalid.txt"), List.of("gopher://localhost:70",
                "smtps://localhost:" + mail.smtpsPort()));
        Cli.Run run = Cli.run("probe", "--targets", targets.toString(), "--ca", ca);
        assertEquals(1, run.exit(), run.toString());
        Map<String, String> got = new HashMap<>();
        run.jsonLines().forEach(l -> got.put(l.get("target").asText(), outcome(l)));
        assertEquals(Map.of("gopher://localhost:70", "INVALID_TARGET", "smtps://localhost:" + mail.smtpsPort(), "OK"),
                got);
    }

    @Test
    void rateCapsNewConnectionsPerSecond() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            lines.add("imap://127.0.0.1:" + closedPort + "#" + i);
        }
        Path targets = Files.write(dir.resolve("rate.txt"), lines);
        long start = System.nanoTime();
        Cli.Run run = Cli.run("probe", "--targets", targets.toString(), "--rate", "20", "--concurrency", "8");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(11, run.jsonLines().size(), run.toString());
        assertTrue(millis >= 450, "11 connections at 20/s take at least 0.5 s: " + millis + " ms");
    }
}
