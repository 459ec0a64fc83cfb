package dev.starttls.imap;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;

/** IMAP (RFC 3501 6.2.1 STARTTLS) runs the whole hostile-server contract. */
class ImapStartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) throws Exception {
                c.sendLine("* OK contract.example ready");
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) throws Exception {
                String tag = c.readLine().split(" ")[0]; // TAG CAPABILITY
                c.send("* CAPABILITY IMAP4rev1" + (offerUpgrade ? " STARTTLS" : "") + " LOGINDISABLED\r\n"
                        + tag + " OK done\r\n");
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                return c.readLine().split(" ")[0];
            }

            @Override
            public String goAhead(String tag) {
                return tag + " OK begin TLS\r\n";
            }

            @Override
            public String refusal(String tag) {
                return tag + " NO not now\r\n";
            }

            @Override
            public void afterTls(Conversation c) throws Exception {
                String tag = c.readLine().split(" ")[0];
                c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n");
            }

            @Override
            public String endlessCapabilityLine() {
                return "* CAPABILITY IMAP4rev1 X-FILLER\r\n";
            }
        };
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return ImapTls.upgrade(connected, host, policy);
    }

    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        ((ImapSession) session).login(user, password);
    }
}
