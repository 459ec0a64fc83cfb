package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Jetty fixtures against independent clients: the JDK's HttpClient and raw sockets. */
@Timeout(30)
class JettyFixturesTest {
    @RegisterExtension
    final TlsJettyExtension jetty = new TlsJettyExtension();

    @Test
    void jdkHttpClientGetsThroughTheConnectProxyWithTheKitsCa(TlsJetty servers) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(servers.clientPolicy().sslContext())
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", servers.proxyPort())))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + servers.httpsPort() + "/via-proxy")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("hello GET /via-proxy\n", response.body());
        assertEquals("CONNECT", servers.proxy().requests().get(0).method());
        assertEquals("localhost:" + servers.httpsPort(), servers.proxy().requests().get(0).target());
        assertEquals("/via-proxy", servers.https().requests().get(0).target());
    }

    @Test
    void proxyWithCredentialsAnswers407WithItsRealmAndOpensWithThem() throws Exception {
        try (ConnectProxy proxy = ConnectProxy.withBasicAuth("corp", "u", "p")) {
            List<String> refused = connect(proxy.port(), "localhost:" + jetty.httpsPort());
            assertTrue(refused.get(0).startsWith("HTTP/1.1 407"), refused.toString());
            assertTrue(refused.contains("Proxy-Authenticate: Basic realm=\"corp\""), refused.toString());
            List<String> opened = connect(proxy.port(), "localhost:" + jetty.httpsPort(),
                    "Proxy-Authorization: Basic dTpw");
            assertTrue(opened.get(0).startsWith("HTTP/1.1 200"), opened.toString());
        }
    }

    @Test
    void proxyRefusesTargetsBeyondLoopbackWith403() throws Exception {
        List<String> reply = connect(jetty.proxyPort(), "example.invalid:443");
        assertTrue(reply.get(0).startsWith("HTTP/1.1 403"), reply.toString());
    }

    @Test
    void proxyAnswers502WhenTheTargetIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<String> reply = connect(jetty.proxyPort(), "127.0.0.1:" + closedPort);
        assertTrue(reply.get(0).startsWith("HTTP/1.1 502"), reply.toString());
    }

    @Test
    void scriptedProxyPutsTheGreetingInTheSameWriteAsItsReply() throws Exception {
        try (ScriptedServer greeter = ScriptedServer.start(c -> {
                    c.sendLine("220 greeter ESMTP");
                    c.readUntilClosed();
                });
                ScriptedProxy proxy = ScriptedProxy.relayingWithGreeting();
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.getOutputStream().write(("CONNECT localhost:" + greeter.port() + " HTTP/1.1\r\nHost: localhost:"
                    + greeter.port() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String expected = ScriptedProxy.ESTABLISHED + "\r\n\r\n220 greeter ESMTP\r\n";
            byte[] all = new byte[expected.length()];
            socket.setSoTimeout(5_000);
            int n = socket.getInputStream().read(all); // one read: one segment on loopback
            assertEquals(expected, new String(all, 0, n, StandardCharsets.US_ASCII));
            assertFalse(proxy.requests().isEmpty());
        }
    }

    /** Sends a CONNECT request and returns the reply head. */
    private static List<String> connect(int proxyPort, String target, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            StringBuilder request = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
            for (String h : headers) {
                request.append(h).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            LineReader reader = LineReader.of(socket, 8192);
            Deadline deadline = Deadline.after(Duration.ofSeconds(10));
            List<String> head = new ArrayList<>();
            for (String line = reader.readLine(deadline); !line.isEmpty(); line = reader.readLine(deadline)) {
                head.add(line);
            }
            return head;
        }
    }
}
