package dev.starttls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starttls.testkit.TlsFtpServer;
import dev.starttls.testkit.Hostile;
import dev.starttls.testkit.TlsGreenMail;
import dev.starttls.testkit.TlsJetty;
import java.nio.file.Files;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code starttls serve}: the test kit's TLS mail servers as a process, for tests written in any language. Prints the
 * ports, then one JSON line with them; stops on Ctrl-C, or at the end of stdin with {@code --stop-on-eof}.
 */
@Command(name = "serve", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs TLS servers for tests (the test kit's GreenMail, FTPS and Jetty) until Ctrl-C.",
            "SMTP, POP3, IMAP and FTP with STARTTLS / STLS / AUTH TLS and with implicit TLS, HTTPS and an HTTP",
            "CONNECT proxy, all on 127.0.0.1,",
            "certificates for localhost, 127.0.0.1 and ::1 from throwaway CAs. Prints the ports, then a JSON",
            "line with them (the line starting with '{')."})
final class ServeCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = "--ca-out", paramLabel = "FILE", description = "write the CA certificate as PEM to FILE")
    private Path caOut;

    @Option(names = "--user", paramLabel = "NAME:PASSWORD",
            description = "a mailbox NAME@localhost that logs in as NAME (repeatable); the first is also the FTP "
                    + "user (default alice:secret)")
    private List<String> users = new ArrayList<>();

    @Option(names = "--stop-on-eof", description = "stop when stdin ends (for a parent process that may die)")
    private boolean stopOnEof;

    @Option(names = "--hostile", paramLabel = "SWITCH", split = ",",
            description = "make the mail servers misbehave, for testing a client's failure handling (repeatable): "
                    + "${COMPLETION-CANDIDATES}")
    private List<Hostile> hostile = new ArrayList<>();

    @Option(names = "--auth-before-tls", description = "announce AUTH before STARTTLS, as plain GreenMail does")
    private boolean authBeforeTls;

    @Option(names = "--require-client-certificate",
            description = "the mail servers' TLS requires a client certificate issued by their CA (mutual TLS)")
    private boolean requireClientCertificate;

    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String[]> credentials = users.stream().map(this::credential).toList();
        String[] ftpUser = credentials.isEmpty() ? new String[] {"alice", "secret"} : credentials.get(0);
        TlsGreenMail mail = TlsGreenMail.start();
        TlsFtpServer ftp;
        TlsJetty web;
        try {
            ftp = TlsFtpServer.builder().user(ftpUser[0], ftpUser[1]).start();
        } catch (RuntimeException e) {
            mail.close();
            throw e;
        }
        try {
            web = TlsJetty.start();
        } catch (RuntimeException e) {
            ftp.close();
            mail.close();
            throw e;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                web.close();
                ftp.close();
                mail.close();
            }
        };
        Thread hook = new Thread(stop, "starttls-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C, SIGTERM
        CountDownLatch done = new CountDownLatch(1);
        try {
            credentials.forEach(c -> mail.greenMail().setUser(c[0] + "@localhost", c[0], c[1]));
            mail.hostile(hostile.toArray(Hostile[]::new))
                    .advertiseAuthBeforeTls(authBeforeTls)
                    .requireClientCertificates(requireClientCertificate);
            if (caOut != null) {
                Files.writeString(caOut, mail.ca().certificatePem() + ftp.ca().certificatePem()
                        + web.ca().certificatePem());
            }
            announce(mail, ftp, ftpUser[0], web);
            if (stopOnEof) {
                Thread watcher = new Thread(() -> {
                    drain(stdin);
                    done.countDown();
                }, "starttls-serve-stdin");
                watcher.setDaemon(true);
                watcher.start();
            }
            done.await();
            return ExitCodes.OK;
        } finally {
            stop.run();
            removeHook(hook);
        }
    }

    private void announce(TlsGreenMail mail, TlsFtpServer ftp, String ftpUser, TlsJetty web) {
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode json = MAPPER.createObjectNode()
                .put("smtp", mail.smtpPort()).put("smtps", mail.smtpsPort())
                .put("pop3", mail.pop3Port()).put("pop3s", mail.pop3sPort())
                .put("imap", mail.imapPort()).put("imaps", mail.imapsPort())
                .put("ftp", ftp.explicitPort()).put("ftps", ftp.implicitPort())
                .put("https", web.httpsPort()).put("proxy", web.proxyPort())
                .put("host", "127.0.0.1");
        if (caOut != null) {
            json.put("ca", caOut.toAbsolutePath().toString());
        }
        out.printf("SMTP  STARTTLS  127.0.0.1:%d   implicit TLS 127.0.0.1:%d%n", mail.smtpPort(), mail.smtpsPort());
        out.printf("POP3  STLS      127.0.0.1:%d   implicit TLS 127.0.0.1:%d%n", mail.pop3Port(), mail.pop3sPort());
        out.printf("IMAP  STARTTLS  127.0.0.1:%d   implicit TLS 127.0.0.1:%d%n", mail.imapPort(), mail.imapsPort());
        out.printf("FTP   AUTH TLS  127.0.0.1:%d   implicit TLS 127.0.0.1:%d   user %s, home %s%n", ftp.explicitPort(),
                ftp.implicitPort(), ftpUser, ftp.home());
        out.printf("HTTPS           127.0.0.1:%d   CONNECT proxy (loopback targets) http://127.0.0.1:%d%n",
                web.httpsPort(), web.proxyPort());
        out.println("certificates for localhost, 127.0.0.1, ::1 from three throwaway CAs (mail, FTP, web)"
                + (caOut != null ? ", written to " + caOut : "; pass --ca-out FILE to trust them"));
        out.println(json);
        out.flush();
    }

    private String[] credential(String user) {
        int colon = user.indexOf(':');
        if (colon <= 0 || colon == user.length() - 1 || user.indexOf('@') >= 0) {
            throw new ParameterException(spec.commandLine(), "--user must be NAME:PASSWORD (the mailbox is "
                    + "NAME@localhost): '" + user + "'");
        }
        return new String[] {user.substring(0, colon), user.substring(colon + 1)};
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // only the end matters
            }
        } catch (IOException e) {
            // a broken stdin ends it too
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
