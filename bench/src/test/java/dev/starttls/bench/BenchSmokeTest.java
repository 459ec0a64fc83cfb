package dev.starttls.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness produces well-formed numbers: a few rounds against the minimal in-process server, no timing asserted
 * (the real runs are {@code bench/run}, outside the default build).
 */
@Timeout(60)
class BenchSmokeTest {
    private static final Pattern ROW = Pattern.compile(
            "\\| [^|]+ \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+ \\| \\d+\\.\\d\\dx \\| "
                    + "\\d+\\.\\d\\d \\| \\d+ \\| 3 \\| 0 \\|");

    @Test
    void everyClientYieldsWellFormedLatencyRowsAgainstTheMinimalServer() throws Exception {
        try (MiniSmtpServer server = new MiniSmtpServer()) {
            Target target = new Target("smoke", "localhost",
                    Map.of("smtp", server.startTlsPort(), "smtps", server.implicitPort()), server.clientPolicy(),
                    Target.bareContext(server.ca().certificate()), List.of("TLSv1.3"));
            for (boolean implicit : new boolean[] {false, true}) {
                Map<String, Samples.Summary> rows = Latency.run(
                        Contestants.forScenario(target, Floor.Protocol.SMTP, implicit), 1, 3);
                assertEquals(List.of(Contestants.LIBRARY, Contestants.LIBRARY_BORINGSSL, Contestants.COMMONS_NET,
                        Contestants.ANGUS, Contestants.FLOOR, Contestants.FLOOR_QUICKACK), List.copyOf(rows.keySet()));
                rows.forEach((client, summary) -> {
                    assertEquals(0, summary.failures(), client + ": " + summary.firstFailure());
                    assertTrue(summary.wellFormed(), client + ": " + summary);
                });
                String table = new Report().latencyTable(rows, Contestants.FLOOR).toString();
                long wellFormedRows = table.lines().filter(line -> ROW.matcher(line).matches()).count();
                assertEquals(rows.size(), wellFormedRows, table);
            }
        }
    }

    @Test
    void bothEnginesCompleteFullHandshakesInMemoryWithMeasurableCpu() throws Exception {
        assertTrue(HandshakeCpu.available(), "netty-tcnative's BoringSSL did not load on this platform");
        Map<String, Double> medians = new HandshakeCpu().run(1, 3);
        assertEquals(List.of(HandshakeCpu.JSSE, HandshakeCpu.BORINGSSL), List.copyOf(medians.keySet()));
        medians.forEach((engine, ms) -> assertTrue(ms > 0 && ms < 10_000, engine + ": " + ms + " ms"));
    }

    @Test
    void censusRowsCountUpgradesOver40MillisecondsPerClientAndMarkClientsNotRun() {
        Samples library = new Samples();
        library.add(45_000_000L, 1, 1); // a stall
        library.add(3_000_000L, 1, 1);
        library.add(40_000_000L, 1, 1); // exactly 40 ms is not over
        Census.Row row = new Census.Row("Postfix 3.7.11", "587", "SMTP STARTTLS", "TLS 1.3",
                Map.of(Contestants.LIBRARY, library.summary()));
        String table = Census.table(List.of(row));
        assertTrue(table.contains("| Postfix 3.7.11 | 587 | SMTP STARTTLS | TLS 1.3 | 1 | not run | not run | 3 |"),
                table);
    }

    @Test
    void percentilesUseTheNearestRank() {
        List<Long> values = List.of(5L, 1L, 4L, 2L, 3L, 10L, 9L, 8L, 7L, 6L);
        assertEquals(5L, Samples.percentile(values, 50));
        assertEquals(9L, Samples.percentile(values, 90));
        assertEquals(10L, Samples.percentile(values, 99));
        assertEquals(0L, Samples.percentile(List.of(), 50));
    }
}
