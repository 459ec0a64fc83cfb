package dev.starttls.pop3;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;

/** POP3 (RFC 2595 STLS) runs the whole hostile-server contract. */
class Pop3StartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) throws Exception {
                c.sendLine("+OK contract.example ready");
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) throws Exception {
                c.readLine(); // CAPA
                c.send(offerUpgrade ? "+OK\r\nUSER\r\nSTLS\r\n.\r\n" : "+OK\r\nUSER\r\n.\r\n");
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                c.readLine();
                return "";
            }

            @Override
            public String goAhead(String context) {
                return "+OK begin TLS\r\n";
            }

            @Override
            public String refusal(String context) {
                return "-ERR not now\r\n";
            }

            @Override
            public void afterTls(Conversation c) throws Exception {
                c.readLine(); // CAPA
                c.send("+OK\r\nUSER\r\n.\r\n");
            }

            @Override
            public String endlessCapabilityLine() {
                return "X-FILLER\r\n";
            }

            @Override
            public String endlessCapabilityStart() {
                return "+OK\r\n";
            }
        };
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return Pop3Tls.upgrade(connected, host, policy);
    }

    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        ((Pop3Session) session).login(user, password);
    }
}
