package dev.starttls.smtp;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;

/** SMTP (RFC 3207) runs the whole hostile-server contract. */
class SmtpStartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) throws Exception {
                c.sendLine("220 contract.example ESMTP");
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) throws Exception {
                c.readLine(); // EHLO
                c.send(offerUpgrade ? "250-contract.example\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n"
                        : "250-contract.example\r\n250 AUTH PLAIN\r\n");
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                c.readLine();
                return "";
            }

            @Override
            public String goAhead(String context) {
                return "220 2.0.0 go ahead\r\n";
            }

            @Override
            public String refusal(String context) {
                return "454 4.7.0 TLS not available\r\n";
            }

            @Override
            public void afterTls(Conversation c) throws Exception {
                c.readLine(); // EHLO
                c.send("250-contract.example\r\n250 AUTH PLAIN\r\n");
            }

            @Override
            public String endlessCapabilityLine() {
                return "250-X-FILLER\r\n";
            }
        };
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return SmtpTls.upgrade(connected, host, policy);
    }

    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        ((SmtpSession) session).authPlain(user, password);
    }
}
