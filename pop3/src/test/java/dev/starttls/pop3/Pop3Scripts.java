package dev.starttls.pop3;

import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;

/** Script parts of a POP3 server for {@link ScriptedServer}: the greeting, CAPA and STLS, and the login after TLS. */
final class Pop3Scripts {
    private Pop3Scripts() {
    }

    /** Greets, answers CAPA with STLS on offer. */
    static void greetAndOfferStls(ScriptedServer.Conversation c) throws Exception {
        c.sendLine("+OK hostile POP3 ready");
        c.readLine(); // CAPA
        c.send("+OK\r\nUSER\r\nSTLS\r\n.\r\n");
    }

    /** A session that upgrades with {@code cert}, answers CAPA inside TLS, then runs {@code rest}. */
    static ScriptedServer tlsSession(HeldCertificate cert, ScriptedServer.Script rest) {
        return ScriptedServer.start(c -> {
            greetAndOfferStls(c);
            c.readLine();
            c.sendLine("+OK begin TLS");
            c.startTls(cert);
            c.readLine(); // CAPA
            c.send("+OK\r\nUSER\r\n.\r\n");
            rest.run(c);
        });
    }

    /** Accepts USER and PASS, then reads the next command (RETR, LIST ...). */
    static void acceptLoginThenReadCommand(ScriptedServer.Conversation c) throws Exception {
        c.readLine(); // USER
        c.sendLine("+OK");
        c.readLine(); // PASS
        c.sendLine("+OK");
        c.readLine();
    }
}
