package dev.starttls.cli;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.imap.ImapSession;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Session;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.http.HttpProxy;
import dev.starttls.testkit.TlsFtpServer;
import dev.starttls.testkit.TlsJetty;
import dev.starttls.testkit.TlsGreenMail;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code starttls demo}: starts the test kit's mail and FTPS servers in-process with a throwaway CA, probes each protocol in each
 * mode, sends a mail over SMTP STARTTLS and reads it back over IMAP STARTTLS and POP3 STLS, shows one refusal (a
 * certificate for another host), prints a table, and exits 0 only if every check passed.
 */
@Command(name = "demo", usageHelpAutoWidth = true,
        description = {"Shows the library at work against embedded servers, in a few seconds.",
            "Probes every protocol in every mode with a throwaway CA, sends a mail and reads it back inside TLS,",
            "and shows a refused wrong-host certificate. Exit 0 if every check passed."})
final class DemoCommand implements Callable<Integer> {
    private static final String USER = "alice";
    private static final String PASSWORD = "demo-secret"; // no spaces: POP3 PASS takes one argument
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    /** One line of the table. */
    private record Row(String check, boolean passed, String detail) {
    }

    /** A check that returns its detail or throws. */
    @FunctionalInterface
    private interface Check {
        String run() throws Exception;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (TlsGreenMail mail = TlsGreenMail.start(); TlsFtpServer ftp = TlsFtpServer.start();
                TlsJetty web = TlsJetty.start()) {
            mail.greenMail().setUser(USER + "@localhost", USER, PASSWORD);
            TlsPolicy policy = TlsPolicy.builder()
                    .trustCertificates(mail.ca().certificate(), ftp.ca().certificate(), web.ca().certificate())
                    .connectTimeout(STEP_TIMEOUT).readTimeout(STEP_TIMEOUT).handshakeTimeout(STEP_TIMEOUT).build();
            out.println("embedded GreenMail, Apache FtpServer and Jetty (HTTPS and a CONNECT proxy) with TLS on "
                    + "127.0.0.1, certificates for localhost from throwaway CAs");
            out.println();
            try (Prober prober = new Prober(policy, Prober.Settings.direct(STEP_TIMEOUT.multipliedBy(3)))) {
                for (String url : List.of("smtp://localhost:" + mail.smtpPort(), "smtps://localhost:" + mail.smtpsPort(),
                        "imap://localhost:" + mail.imapPort(), "imaps://localhost:" + mail.imapsPort(),
                        "pop3://localhost:" + mail.pop3Port(), "pop3s://localhost:" + mail.pop3sPort(),
                        "ftp://localhost:" + ftp.explicitPort(), "ftps://localhost:" + ftp.implicitPort(),
                        "https://localhost:" + web.httpsPort())) {
                    rows.add(probe(prober, Target.parse(url)));
                }
                try (Prober tunnelled = new Prober(policy, new Prober.Settings(Optional.empty(),
                        Optional.of(HttpProxy.of("127.0.0.1", web.proxyPort())), false,
                        STEP_TIMEOUT.multipliedBy(4)))) {
                    // the greeting comes through the proxy's tunnel; the certificate is the target's, not the proxy's
                    rows.add(renamed(probe(tunnelled, Target.parse("smtp://localhost:" + mail.smtpPort())),
                            "probe smtp through a CONNECT proxy"));
                }
                String token = UUID.randomUUID().toString();
                rows.add(check("send a mail over SMTP STARTTLS", () -> send(mail, policy, token)));
                rows.add(check("read it back over IMAP STARTTLS", () -> readImap(mail, policy, token)));
                rows.add(check("read it back over POP3 STLS", () -> readPop3(mail, policy, token)));
                rows.add(refusal(mail, prober, notes));
            }
        }
        print(out, rows, notes, Duration.ofNanos(System.nanoTime() - start));
        return rows.stream().allMatch(Row::passed) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Row probe(Prober prober, Target target) {
        ProbeResult result = prober.probe(target);
        String name = "probe " + target.scheme().id() + " (" + target.scheme().mode() + ")";
        if (result.failure().isPresent()) {
            return new Row(name, false, result.failure().get().failure() + ": " + result.failure().get().message());
        }
        Optional<Handshake> handshake = result.session().orElseThrow().handshake();
        return handshake.map(h -> new Row(name, true, h.protocol() + " " + h.cipherSuite() + ", "
                + String.format(Locale.ROOT, "handshake %.1f ms, probe %.1f ms", h.duration().toNanos() / 1e6,
                        result.total().toNanos() / 1e6)))
                .orElseGet(() -> new Row(name, false, "no TLS"));
    }

    private static Row renamed(Row row, String name) {
        return new Row(name, row.passed(), row.detail());
    }

    private static Row check(String name, Check check) {
        try {
            return new Row(name, true, check.run());
        } catch (Exception e) {
            return new Row(name, false, String.valueOf(e));
        }
    }

    private static String send(TlsGreenMail mail, TlsPolicy policy, String token) throws Exception {
        try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), policy)) {
            smtp.authPlain(USER, PASSWORD);
            smtp.send("bob@localhost", List.of(USER + "@localhost"), "From: bob@localhost\r\nTo: " + USER
                    + "@localhost\r\nSubject: demo " + token + "\r\n\r\nHello over STARTTLS.\r\n");
        }
        mail.awaitMessages(1, STEP_TIMEOUT);
        return "AUTH PLAIN and the mail inside TLS, delivered";
    }

    private static String readImap(TlsGreenMail mail, TlsPolicy policy, String token) throws Exception {
        try (ImapSession imap = ImapTls.connect("localhost", mail.imapPort(), policy)) {
            imap.login(USER, PASSWORD);
            int messages = imap.select("INBOX");
            return requireToken(imap.fetch(messages), token, messages + " message(s) in INBOX, subject matches");
        }
    }

    private static String readPop3(TlsGreenMail mail, TlsPolicy policy, String token) throws Exception {
        try (Pop3Session pop3 = Pop3Tls.connect("localhost", mail.pop3Port(), policy)) {
            pop3.login(USER, PASSWORD);
            int messages = pop3.stat().messages();
            return requireToken(pop3.retrieve(messages), token, messages + " message(s) in the maildrop, subject "
                    + "matches");
        }
    }

    private static String requireToken(byte[] message, String token, String detail) {
        if (!new String(message, StandardCharsets.UTF_8).contains(token)) {
            throw new IllegalStateException("the message read back is not the one sent");
        }
        return detail;
    }

    /** A server presenting a certificate from the same CA for another host: the probe must refuse it. */
    private static Row refusal(TlsGreenMail mail, Prober prober, List<String> notes) {
        String name = "refuse a wrong-host certificate";
        HeldCertificate wrongHost = mail.ca().issue("mail.example.net");
        try (ScriptedServer server = ScriptedServer.start(c -> c.startTls(wrongHost))) { // implicit TLS
            ProbeResult result = prober.probe(Target.parse("smtps://localhost:" + server.port()));
            if (result.failure().isEmpty()) {
                return new Row(name, false, "the connection was accepted");
            }
            ProbeResult.Problem problem = result.failure().get();
            notes.add("smtps://localhost:" + server.port() + " (certificate for mail.example.net) was refused:");
            notes.add("  " + problem.failure() + ": " + problem.message());
            return new Row(name, problem.failure().equals("CERTIFICATE"), "refused: " + problem.failure());
        }
    }

    private static void print(PrintWriter out, List<Row> rows, List<String> notes, Duration elapsed) {
        int width = rows.stream().mapToInt(r -> r.check().length()).max().orElse(10) + 2;
        String format = "%-" + width + "s%-6s%s%n";
        out.printf(Locale.ROOT, format, "check", "", "detail");
        for (Row row : rows) {
            out.printf(Locale.ROOT, format, row.check(), row.passed() ? "PASS" : "FAIL", row.detail());
        }
        out.println();
        notes.forEach(out::println);
        long passed = rows.stream().filter(Row::passed).count();
        out.printf(Locale.ROOT, "%n%d of %d checks passed in %.1f s%n", passed, rows.size(),
                elapsed.toMillis() / 1000.0);
        out.flush();
    }
}
