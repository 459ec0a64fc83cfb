package dev.starttls.cli;

import dev.starttls.TlsPolicy;
import dev.starttls.http.HttpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code starttls probe}: one or many servers, as a person or a monitoring job wants to see them. */
@Command(name = "probe", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Connects, upgrades to TLS (STARTTLS or implicit TLS) and reports what was negotiated.",
            "Schemes: smtp:// (25), smtps:// (465), imap:// (143), imaps:// (993), pop3:// (110), pop3s:// (995),",
            "ftp:// (21, AUTH TLS), ftps:// (990), https:// (443); http:// (80) with --http-upgrade only.",
            "Exit status: 0 success, 1 an upgrade failed, 2 usage error, 3 a certificate expires within --warn-days."})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "0..*", description = "scheme://host[:port] to probe")
    private List<String> urls = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "FILE|-",
            description = "probe the URLs in FILE (one a line; - for stdin) and print JSON Lines")
    private String targets;

    @Option(names = "--ca", paramLabel = "FILE", description = "trust only the CA certificates in this PEM file "
            + "(repeatable); default: the JDK's trust store")
    private List<Path> caFiles = new ArrayList<>();

    @Option(names = "--servername", paramLabel = "NAME",
            description = "verify the certificate against NAME and send it as SNI, instead of the host")
    private String serverName;

    @Option(names = "--proxy", paramLabel = "http://[USER:PASS@]HOST:PORT", converter = ProxyConverter.class,
            description = "reach every target through this HTTP CONNECT proxy (certificates are verified against "
                    + "the target, never the proxy)")
    private HttpProxy proxy;

    @Option(names = "--http-upgrade", description = "allow http:// targets, upgraded with RFC 2817 "
            + "(Upgrade: TLS/1.0); almost only CUPS speaks it")
    private boolean httpUpgrade;

    @Option(names = "--tls1.2", description = "allow TLS 1.2 only (with --tls1.3: both)")
    private boolean tls12;

    @Option(names = "--tls1.3", description = "allow TLS 1.3 only (with --tls1.2: both)")
    private boolean tls13;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "bound on the connect, on each reply and on the handshake; a whole probe gets at most "
                    + "three times that, four through --proxy (default: ${DEFAULT-VALUE})")
    private double timeoutSeconds;

    @Option(names = "--opportunistic", description = "report a server without STARTTLS (or refusing it) as a "
            + "plaintext success instead of a failure")
    private boolean opportunistic;

    @Option(names = "--json", description = "one JSON object per target")
    private boolean json;

    @Option(names = "--pem", description = "include the server's chain as PEM")
    private boolean pem;

    @Option(names = "--warn-days", paramLabel = "N",
            description = "exit 3 when a certificate in a chain expires within N days")
    private Integer warnDays;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
            description = "probes at once (default: ${DEFAULT-VALUE})")
    private int concurrency;

    @Option(names = "--shard", paramLabel = "k/N", converter = Shard.Converter.class,
            description = "probe only the targets whose hash falls in shard k of N (k from 0)")
    private Shard shard = Shard.ALL;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "skip the targets already answered in FILE, an earlier JSON Lines output")
    private Path resume;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "at most R new connections a second (default: no limit)")
    private double rate;

    @Option(names = "--progress", description = "draw the batch progress bar on stderr even when the console "
            + "is not a terminal")
    private boolean progress;

    @Override
    public Integer call() throws Exception {
        validate();
        Optional<Instant> warnBefore = Optional.ofNullable(warnDays)
                .map(days -> Instant.now().plus(Duration.ofDays(days)));
        List<String> lines = targets != null ? TargetList.read(openTargets()) : urls;
        Set<String> done = resume != null ? TargetList.done(resume) : Set.of();
        List<String> selected = TargetList.select(lines, shard, done);
        if (targets == null) {
            selected.forEach(this::requireTarget); // a mistyped URL on the command line is a usage error
        }
        Function<ProbeResult, String> format = json || targets != null
                ? new JsonFormat(pem, warnBefore)::format : new HumanFormat(pem, warnBefore)::format;
        PrintWriter out = spec.commandLine().getOut();
        boolean batch = targets != null;
        Progress bar = new Progress(System.err, batch && (progress || System.console() != null), selected.size());
        Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
        Prober.Settings settings = new Prober.Settings(Optional.ofNullable(serverName), Optional.ofNullable(proxy),
                httpUpgrade, timeout.multipliedBy(proxy != null ? 4 : 3));
        try (Prober prober = new Prober(policy(timeout), settings)) {
            Batch.Summary summary = new Batch(prober, concurrency, new RateLimiter(rate), warnBefore)
                    .run(selected, result -> {
                        String text = format.apply(result);
                        out.print(json || batch ? text + "\n" : text);
                        out.flush();
                    }, bar);
            if (batch) {
                PrintWriter err = spec.commandLine().getErr();
                err.println((done.isEmpty() ? "" : done.size() + " already done; ") + summary);
                err.flush();
            }
            return summary.exitCode();
        }
    }

    private void validate() {
        if ((targets == null) == urls.isEmpty()) {
            throw usage("give either URLs or --targets FILE");
        }
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw usage("--timeout must be between 0 and 86400 seconds: " + timeoutSeconds);
        }
        if (concurrency < 1 || concurrency > 10_000) {
            throw usage("--concurrency must be between 1 and 10000: " + concurrency);
        }
        if (warnDays != null && warnDays < 0) {
            throw usage("--warn-days must not be negative: " + warnDays);
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw usage("--rate must not be negative: " + rate);
        }
    }

    private void requireTarget(String line) {
        try {
            Prober.requireAllowed(Target.parse(line), httpUpgrade);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private InputStream openTargets() throws IOException {
        if (targets.equals("-")) {
            return System.in;
        }
        Path file = Path.of(targets);
        if (!Files.isReadable(file)) {
            throw usage("--targets: cannot read " + file);
        }
        return Files.newInputStream(file);
    }

    private TlsPolicy policy(Duration timeout) {
        TlsPolicy.Builder builder = TlsPolicy.builder().connectTimeout(timeout).readTimeout(timeout)
                .handshakeTimeout(timeout).opportunistic(opportunistic);
        if (tls12 != tls13) {
            builder.protocols(tls13 ? "TLSv1.3" : "TLSv1.2");
        }
        for (Path ca : caFiles) {
            try {
                builder.trustPem(ca);
            } catch (IOException e) {
                throw usage("--ca: " + e.getMessage());
            }
        }
        return builder.build();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
