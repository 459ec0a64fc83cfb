package dev.starttls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starttls.testkit.Rfc2817Server;
import dev.starttls.testkit.TlsJetty;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code https://}, {@code --proxy} (HTTP CONNECT) and {@code --http-upgrade} (RFC 2817) against Jetty and the kit. */
@Timeout(60)
class HttpProbeTest extends AgainstTheKit {
    private static TlsJetty web;
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        web = TlsJetty.start("proxy-user", "proxy-secret");
        ca = trust("ca.pem", mail.ca(), web.ca());
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    String proxy(String credentials) {
        return "http://" + credentials + "@127.0.0.1:" + web.proxyPort();
    }

    @Test
    void httpsNegotiatesAlpnHttp11() {
        Cli.Run run = Cli.run("probe", "--json", "--ca", ca, "https://localhost:" + web.httpsPort());
        assertEquals(0, run.exit(), run.toString());
        assertEquals("http/1.1", run.json().at("/handshake/alpn").asText());
        assertEquals("implicit", run.json().get("mode").asText());
    }

    @Test
    void proxyTunnelsEveryProtocolAndTheTargetIsVerified() {
        for (String url : new String[] {"smtp://localhost:" + mail.smtpPort(), "imaps://localhost:" + mail.imapsPort(),
            "https://localhost:" + web.httpsPort()}) {
            Cli.Run run = Cli.run("probe", "--json", "--ca", ca, "--proxy", proxy("proxy-user:proxy-secret"), url);
            assertEquals(0, run.exit(), url + "\n" + run);
            assertEquals("CN=localhost", run.json().at("/chain/0/subject").asText());
        }
        Cli.Run wrongName = Cli.run("probe", "--json", "--ca", ca, "--servername", "mail.example.net", "--proxy",
                proxy("proxy-user:proxy-secret"), "smtp://localhost:" + mail.smtpPort());
        assertEquals(1, wrongName.exit(), wrongName.toString());
        ProbeCommandTest.assertFailure(wrongName.json(), "CERTIFICATE", "mail.example.net");
    }

    @Test
    void proxyRefusingCredentialsFailsWithConnectAnd407() {
        Cli.Run run = Cli.run("probe", "--json", "--ca", ca, "--proxy", proxy("proxy-user:wrong"),
                "smtp://localhost:" + mail.smtpPort());
        assertEquals(1, run.exit(), run.toString());
        ProbeCommandTest.assertFailure(run.json(), "CONNECT", "407");
    }

    @Test
    void httpUpgradeIsOptIn() {
        try (Rfc2817Server server = Rfc2817Server.upgrading(web.serverCertificate())) {
            String target = "http://localhost:" + server.port();
            Cli.Run refused = Cli.run("probe", "--ca", ca, target);
            assertEquals(2, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("--http-upgrade"), refused.toString());

            Cli.Run upgraded = Cli.run("probe", "--json", "--http-upgrade", "--ca", ca, target);
            assertEquals(0, upgraded.exit(), upgraded.toString());
            JsonNode json = upgraded.json();
            assertEquals("starttls", json.get("mode").asText());
            assertTrue(json.get("tls").asBoolean(), json.toString());
        }
    }

    @Test
    void malformedProxyIsAUsageError() {
        for (String bad : new String[] {"127.0.0.1:3128", "socks5://127.0.0.1:1080", "http://127.0.0.1",
            "http://127.0.0.1:3128/path"}) {
            Cli.Run run = Cli.run("probe", "--proxy", bad, "smtp://localhost:25");
            assertEquals(2, run.exit(), bad + "\n" + run);
        }
    }
}
