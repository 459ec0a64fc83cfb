package dev.starttls.examples;

import dev.starttls.Handshake;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.TlsGreenMail;
import jakarta.mail.internet.MimeMessage;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * The project's runnable example until the CLI lands: starts GreenMail with a STARTTLS front and a throwaway CA on
 * loopback, upgrades a plain SMTP connection with {@link SmtpTls#upgrade}, prints the handshake, sends a mail over
 * the upgraded connection and checks that it arrived. Exits 0 on success, 1 on any failure.
 *
 * <pre>{@code
 * java -jar examples/target/starttls-example.jar
 * }</pre>
 *
 * @since 0.1
 */
public final class SmtpUpgradeExample {
    private SmtpUpgradeExample() {
    }

    /** Runs the example; no arguments. */
    public static void main(String[] args) {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            mail.greenMail().setUser("alice@localhost", "alice", "correct horse battery staple");
            System.out.println("embedded SMTP with STARTTLS on localhost:" + mail.smtpPort()
                    + " (GreenMail behind a TLS front, certificate from a throwaway CA)");
            long start = System.nanoTime();
            Socket socket = new Socket("localhost", mail.smtpPort());
            try (SmtpSession smtp = SmtpTls.upgrade(socket, "localhost", mail.clientPolicy())) {
                long upgraded = System.nanoTime();
                Handshake handshake = smtp.handshake().orElseThrow();
                System.out.println("upgraded in " + (upgraded - start) / 1_000_000 + " ms "
                        + "(greeting, EHLO, STARTTLS, handshake, EHLO)");
                System.out.println("  protocol      " + handshake.protocol());
                System.out.println("  cipher suite  " + handshake.cipherSuite());
                System.out.println("  server        " + handshake.peerCertificates().get(0).getSubjectX500Principal());
                System.out.println("  issuer        " + handshake.peerCertificates().get(0).getIssuerX500Principal());
                System.out.println("  handshake     " + handshake.duration().toMillis() + " ms");
                System.out.println("  extensions    " + smtp.extensions() + " (after TLS)");
                smtp.authPlain("alice", "correct horse battery staple");
                System.out.println("  AUTH PLAIN    accepted (inside TLS)");
                smtp.send("bob@localhost", List.of("alice@localhost"),
                        "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: hello over STARTTLS\r\n\r\nHi Alice!\r\n");
            }
            MimeMessage[] received = mail.awaitMessages(1, Duration.ofSeconds(5));
            System.out.println("GreenMail received: \"" + received[0].getSubject() + "\"");
            System.out.println("OK");
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
    }
}
