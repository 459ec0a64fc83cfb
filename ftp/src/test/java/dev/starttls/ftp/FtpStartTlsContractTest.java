package dev.starttls.ftp;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;

/**
 * FTP (RFC 4217 AUTH TLS) runs the hostile-server contract on its control connection. FTP announces nothing before
 * {@code AUTH TLS} (the answer decides), so the two capability cases are skipped; the data channel's own attacks
 * (plaintext data after {@code PROT P}, another host's certificate, PASV redirection, truncation, an endless greeting)
 * are {@link FtpFailuresTest}'s.
 */
class FtpStartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) throws Exception {
                c.sendLine("220 contract.example FTP ready");
            }

            @Override
            public boolean announcesUpgrade() {
                return false;
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) {
                // nothing is asked in clear: no FEAT before AUTH TLS
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                c.readLine(); // AUTH TLS
                return "";
            }

            @Override
            public String goAhead(String context) {
                return "234 AUTH TLS OK\r\n";
            }

            @Override
            public String refusal(String context) {
                return "534 request denied for policy reasons\r\n";
            }

            /** RFC 2228 334: the go-ahead of a mechanism with a data exchange, never TLS's. */
            @Override
            public String unexpected(String context) {
                return "334 ADAT=Zm9v\r\n";
            }

            @Override
            public void afterTls(Conversation c) throws Exception {
                c.readLine(); // PBSZ 0
                c.sendLine("200 PBSZ=0");
                c.readLine(); // PROT P
                c.sendLine("200 data channel protected");
                c.readLine(); // FEAT
                c.send("211-Features:\r\n UTF8\r\n MLST type*;size*;\r\n211 End\r\n");
            }

            @Override
            public String endlessCapabilityLine() {
                return " X-FILLER\r\n";
            }
        };
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return FtpTls.upgrade(connected, host, policy);
    }

    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        ((FtpSession) session).login(user, password);
    }
}
