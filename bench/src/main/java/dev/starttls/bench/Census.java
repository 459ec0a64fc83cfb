package dev.starttls.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The stall census of issue #20: {@code n} sequential upgrades per row to Postfix (25 and 587 STARTTLS, 465
 * implicit) and Dovecot (143, 993, 110, 995) under TLS 1.3 and 1.2, for the library and the bare JSSE floor with and
 * without {@code TCP_QUICKACK}, counting the upgrades over 40 ms. Stall counts stay meaningful on a loaded machine, where
 * medians do not. {@link BenchMain} runs it with {@code -Dbench.census=N}; it also runs alone, on servers started
 * with {@code interop/mail-servers start DIR}:
 *
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/bench.classpath) -Dbench.mail=DIR -Dbench.census=1000 \
 *     [-Dbench.census.servers=Dovecot] [-Dbench.census.clients="JSSE floor"] [-Dbench.census.tls=TLSv1.3] \
 *     [-Dbench.census.label="service_count=0"] [-Dbench.census.out=FILE] dev.starttls.bench.Census
 * }</pre>
 *
 * <p>"25" is the interop script's {@code smtp-mta} service: smtpd in the port-25 role (STARTTLS offered, not required,
 * no AUTH) on a free port. Not thread-safe.
 */
final class Census {
    static final List<String> CLIENTS = List.of(Contestants.LIBRARY, Contestants.FLOOR, Contestants.FLOOR_QUICKACK);

    /** One port of one server under one TLS version, and what each client did there. */
    record Row(String server, String port, String scenario, String tls, Map<String, Samples.Summary> clients) {
        int libraryStalls() {
            return clients.get(Contestants.LIBRARY).stalls();
        }

        int libraryFailures() {
            return clients.get(Contestants.LIBRARY).failures();
        }
    }

    /** A service of the interop mail servers: its servers.env key, the port it stands for, protocol and mode. */
    private record Service(String server, String envKey, String standardPort, Floor.Protocol protocol,
            boolean implicit) {
        String scenario() {
            return protocol + (implicit ? " implicit TLS" : " STARTTLS");
        }
    }

    private static final List<Service> SERVICES = List.of(
            new Service("Postfix", "smtp-mta", "25", Floor.Protocol.SMTP, false),
            new Service("Postfix", "smtp-submission", "587", Floor.Protocol.SMTP, false),
            new Service("Postfix", "smtp-submissions", "465", Floor.Protocol.SMTP, true),
            new Service("Dovecot", "imap", "143", Floor.Protocol.IMAP, false),
            new Service("Dovecot", "imaps", "993", Floor.Protocol.IMAP, true),
            new Service("Dovecot", "pop3", "110", Floor.Protocol.POP3, false),
            new Service("Dovecot", "pop3s", "995", Floor.Protocol.POP3, true));

    private Census() {
    }

    /**
     * Runs {@code n} measured upgrades (after {@code warmup}) per row, for the servers whose name is in
     * {@code servers}, reporting each row to {@code progress} as soon as it is done.
     */
    static List<Row> run(Map<String, String> env, List<String> servers, String label, int n, int warmup,
            Consumer<Row> progress) throws IOException {
        return run(env, servers, CLIENTS, label, n, warmup, progress);
    }

    private static List<Row> run(Map<String, String> env, List<String> servers, List<String> clientNames,
            String label, int n, int warmup, Consumer<Row> progress) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String tls : List.of(System.getProperty("bench.census.tls", "TLSv1.3,TLSv1.2").split(","))) {
            for (Service service : SERVICES) {
                if (!servers.contains(service.server())) {
                    continue;
                }
                String key = service.protocol().name().toLowerCase(Locale.ROOT) + (service.implicit() ? "s" : "");
                Target target = BenchMain.realTarget(service.server(), env, Map.of(key, service.envKey()))
                        .limitedTo(tls, tls);
                List<Contestants.Contestant> clients = Contestants.forScenario(target, service.protocol(),
                        service.implicit()).stream().filter(c -> clientNames.contains(c.name()))
                        .collect(Collectors.toList());
                String server = service.server() + " " + env.getOrDefault(
                        service.server().toLowerCase(Locale.ROOT) + "-version", "") + label;
                Row row = new Row(server.trim(), service.standardPort(), service.scenario(),
                        tls.replace("TLSv", "TLS "), Latency.run(clients, warmup, n));
                rows.add(row);
                progress.accept(row);
            }
        }
        return rows;
    }

    /** The census as a markdown table: upgrades over 40 ms per client and row. */
    static String table(List<Row> rows) {
        Report table = new Report()
                .line("| server | port | scenario | TLS | " + String.join(" | ", CLIENTS) + " | n |")
                .line("|---|---:|---|---|" + "---:|".repeat(CLIENTS.size()) + "---:|");
        for (Row row : rows) {
            List<String> cells = new ArrayList<>();
            for (String client : CLIENTS) {
                Samples.Summary s = row.clients().get(client);
                cells.add(s == null ? "not run" : s.stalls() + (s.failures() == 0 ? "" : " (" + s.failures()
                        + " failed: " + Report.sanitize(s.firstFailure()) + ")"));
            }
            table.line("| " + row.server() + " | " + row.port() + " | " + row.scenario() + " | " + row.tls() + " | "
                    + String.join(" | ", cells) + " | " + row.clients().values().iterator().next().count() + " |");
        }
        return table.toString();
    }

    public static void main(String[] args) throws Exception {
        Path mail = Path.of(System.getProperty("bench.mail", ""));
        int n = Integer.getInteger("bench.census", 1000);
        List<String> servers = List.of(System.getProperty("bench.census.servers", "Postfix,Dovecot").split(","));
        List<String> clients = List.of(System.getProperty("bench.census.clients", String.join(",", CLIENTS))
                .split(","));
        String label = System.getProperty("bench.census.label", "");
        List<Row> rows = run(BenchMain.env(mail), servers, clients, label.isEmpty() ? "" : " (" + label + ")", n,
                Integer.getInteger("bench.warmup", 20), row -> System.out.println(table(List.of(row))));
        String table = table(rows);
        String out = System.getProperty("bench.census.out", "");
        if (out.isEmpty()) {
            System.out.println(table);
        } else {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }
}
