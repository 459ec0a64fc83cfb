package dev.starttls.imap;

import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;

/** Scripted IMAP servers shared by the tests: the upgrade done right, so a test scripts only what follows it. */
final class ImapScripts {
    static final String GREETING = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hostile ready";

    private ImapScripts() {
    }

    /** The tag of a command line the client sent. */
    static String tagOf(String line) {
        return line.split(" ", 2)[0];
    }

    /** A server that upgrades with {@code cert}, answers CAPABILITY inside TLS with {@code capabilities}, then runs {@code rest}. */
    static ScriptedServer upgrades(HeldCertificate cert, String capabilities, ScriptedServer.Script rest) {
        return ScriptedServer.start(c -> {
            c.sendLine(GREETING);
            acceptStartTls(c, cert, capabilities);
            rest.run(c);
        });
    }

    /** Reads STARTTLS, gives the go-ahead, handshakes with {@code cert} and answers CAPABILITY with {@code capabilities}. */
    static void acceptStartTls(ScriptedServer.Conversation c, HeldCertificate cert, String capabilities)
            throws Exception {
        String tag = tagOf(c.readLine());
        c.sendLine(tag + " OK begin TLS");
        c.startTls(cert);
        String capa = tagOf(c.readLine());
        c.send("* CAPABILITY " + capabilities + "\r\n" + capa + " OK done\r\n");
    }
}
