package dev.starttls.examples;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.TlsGreenMail;
import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * A small latency harness (not a unit test): upgrades to the test kit's GreenMail fronts on loopback many times and
 * prints p50 and p90 of connect + greeting + capabilities + upgrade + handshake + capabilities again + close, per
 * protocol and mode. The numbers in the issue notes come from here; the benchmark suite proper is a later issue.
 *
 * <pre>{@code
 * java -cp examples/target/starttls-example.jar dev.starttls.examples.UpgradeLatency [runs]
 * }</pre>
 *
 * @since 0.1
 */
public final class UpgradeLatency {
    private UpgradeLatency() {
    }

    @FunctionalInterface
    private interface Connect {
        Closeable open(TlsGreenMail mail, TlsPolicy policy) throws TlsUpgradeException;
    }

    /** Runs the harness; the optional argument is the number of measured runs per case (default 200). */
    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            measure("SMTP STARTTLS", runs, mail, (m, p) -> SmtpTls.connect("localhost", m.smtpPort(), p));
            measure("SMTPS", runs, mail, (m, p) -> SmtpTls.connectImplicit("localhost", m.smtpsPort(), p));
            measure("IMAP STARTTLS", runs, mail, (m, p) -> ImapTls.connect("localhost", m.imapPort(), p));
            measure("IMAPS", runs, mail, (m, p) -> ImapTls.connectImplicit("localhost", m.imapsPort(), p));
            measure("POP3 STLS", runs, mail, (m, p) -> Pop3Tls.connect("localhost", m.pop3Port(), p));
            measure("POP3S", runs, mail, (m, p) -> Pop3Tls.connectImplicit("localhost", m.pop3sPort(), p));
        }
    }

    private static void measure(String name, int runs, TlsGreenMail mail, Connect connect) throws IOException {
        long[] nanos = new long[runs];
        int warmUp = Math.max(20, runs / 4);
        for (int i = -warmUp; i < runs; i++) {
            long start = System.nanoTime();
            connect.open(mail, mail.clientPolicy()).close(); // opened, upgraded, capabilities read; then goodbye
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("%-14s p50 %6.2f ms   p90 %6.2f ms   (%d runs after %d warm-up, full handshakes and resumptions"
                + " mixed as JSSE's cache decides)%n", name, nanos[runs / 2] / 1e6, nanos[runs * 9 / 10] / 1e6, runs,
                warmUp);
    }
}
