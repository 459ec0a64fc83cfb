package dev.starttls.http;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.StartTlsContract;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The RFC 2817 upgrade ({@link HttpTls#upgrade}) runs the hostile-server contract: the go-ahead is {@code 101} with
 * {@code Upgrade: TLS/1.0}, a refusal any other status. HTTP has no greeting and announces nothing, and the upgrade
 * never falls back to plaintext, so the contract checks that it fails even for an opportunistic policy.
 */
class Rfc2817StartTlsContractTest extends StartTlsContract {
    @Override
    protected ServerScript script() {
        return new ServerScript() {
            @Override
            public void greet(Conversation c) {
                // an HTTP server waits for the request
            }

            @Override
            public boolean announcesUpgrade() {
                return false;
            }

            @Override
            public void capabilities(Conversation c, boolean offerUpgrade) {
                // nothing announces RFC 2817
            }

            @Override
            public String readUpgradeCommand(Conversation c) throws Exception {
                c.readHead(); // OPTIONS * with Upgrade: TLS/1.0
                return "";
            }

            @Override
            public String goAhead(String context) {
                return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: TLS/1.0, HTTP/1.1\r\nConnection: Upgrade\r\n\r\n";
            }

            @Override
            public String refusal(String context) {
                return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
            }

            /** A server that ignores the upgrade and answers the OPTIONS in clear, as almost every server does. */
            @Override
            public String unexpected(String context) {
                return "HTTP/1.1 200 OK\r\nAllow: GET, OPTIONS\r\nContent-Length: 0\r\n\r\n";
            }

            @Override
            public void afterTls(Conversation c) {
                // the client sends nothing inside TLS until it makes a request
            }

            @Override
            public String endlessCapabilityLine() {
                return "X-Filler: x\r\n";
            }
        };
    }

    @Override
    protected boolean fallsBack() {
        return false;
    }

    @Override
    protected TlsSession upgrade(Socket connected, String host, TlsPolicy policy) throws TlsUpgradeException {
        return HttpTls.upgrade(connected, host, policy);
    }

    /** HTTP has no login: a request with Basic credentials (RFC 7617) is what must never go out in clear. */
    @Override
    protected void login(TlsSession session, String user, String password) throws TlsUpgradeException {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        ((HttpSession) session).send("GET", "/private", Map.of("Authorization", "Basic " + basic), new byte[0]);
    }
}
