package dev.starttls.smtp;

import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.util.function.UnaryOperator;

/** Scripted SMTP servers for {@link ScriptedServer}: STARTTLS, then a dialogue the test decides. */
final class SmtpScripts {
    private SmtpScripts() {
    }

    /**
     * A server that offers STARTTLS, upgrades with {@code certificate}, announces {@code extensions} (complete
     * {@code 250-} lines) and {@code AUTH PLAIN} after TLS, then answers every command with {@code answer} applied to
     * it. After a {@code 354} answer to DATA it reads the message up to its dot and answers the dot the same way; QUIT
     * ends the script after its answer.
     */
    static ScriptedServer answering(HeldCertificate certificate, String extensions, UnaryOperator<String> answer) {
        return ScriptedServer.start(c -> {
            upgrade(c, certificate);
            c.send("250-test\r\n" + extensions + "250 AUTH PLAIN\r\n");
            for (String line = c.readLine(); ; line = c.readLine()) {
                String reply = answer.apply(line);
                c.send(reply.endsWith("\r\n") ? reply : reply + "\r\n");
                if (line.equals("QUIT")) {
                    return;
                }
                if (line.equals("DATA") && reply.startsWith("354")) {
                    String dot = ".";
                    while (!c.readLine().equals(dot)) {
                        // the message
                    }
                    c.sendLine(answer.apply(dot));
                }
            }
        });
    }

    /** Greets, offers STARTTLS, upgrades with {@code certificate} and reads the EHLO sent inside TLS. */
    static void upgrade(ScriptedServer.Conversation c, HeldCertificate certificate) throws Exception {
        c.sendLine("220 test ESMTP");
        c.readLine(); // EHLO
        c.send("250-test\r\n250 STARTTLS\r\n");
        c.readLine(); // STARTTLS
        c.sendLine("220 go ahead");
        c.startTls(certificate);
        c.readLine(); // EHLO
    }

    /** Answers QUIT with 221, DATA with 354 and everything else (the final dot too) with 250. */
    static String accepting(String command) {
        return command.equals("QUIT") ? "221 bye" : command.equals("DATA") ? "354 go" : "250 ok";
    }
}
