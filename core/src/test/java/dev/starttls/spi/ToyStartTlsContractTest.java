package dev.starttls.spi;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.spi.AddingAProtocolTest.ToyDialogue;
import dev.starttls.spi.AddingAProtocolTest.ToySession;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;

/**
 * The whole hostile-server contract, run by core on the toy protocol of {@link AddingAProtocolTest}: what every
 * protocol gets from {@link StartTls} and {@link Channel} is proved here, by core's own tests, before any protocol
 * module adds its dialogue.
 */
class ToyStartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) throws Exception {
                c.sendLine("OK toy ready");
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) throws Exception {
                c.readLine(); // CAPS
                c.send(offerUpgrade ? "LOGIN\r\nSTARTTLS\r\n.\r\n" : "LOGIN\r\n.\r\n");
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                c.readLine();
                return "";
            }

            @Override
            public String goAhead(String context) {
                return "OK begin TLS\r\n";
            }

            @Override
            public String refusal(String context) {
                return "NO not now\r\n";
            }

            @Override
            public void afterTls(Conversation c) throws Exception {
                c.readLine(); // CAPS
                c.send("LOGIN\r\n.\r\n");
            }

            @Override
            public String endlessCapabilityLine() {
                return "X-FILLER\r\n";
            }
        };
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return StartTls.upgrade(connected, StartTls.endpoint(connected, host), policy, new ToyDialogue());
    }

    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        ((ToySession) session).login(user, password);
    }
}
