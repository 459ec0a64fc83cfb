package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HttpsTestServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the README promises about plugging a policy into the JDK's own HTTP clients, and its warning. */
@Timeout(30)
class JdkClientsTest {
    private final CertificateAuthority ca = CertificateAuthority.create();
    private final TlsPolicy policy = ca.trustingPolicy();

    @Test
    void httpClientWithThePolicysContextTrustsItsCaAndChecksTheName() throws Exception {
        assumeTrue(CertificateAuthority.providerUnderTest() == null, "the BoringSSL provider makes sockets only, "
                + "HttpClient needs an SSLEngine: BoringSslProviderTest checks that it is refused with the reason");
        try (HttpsTestServer server = HttpsTestServer.start(ca.issue("localhost"))) {
            HttpClient client = HttpClient.newBuilder().sslContext(policy.sslContext()).build();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/jdk")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("hello GET /jdk\n", ok.body());
            // the certificate names localhost only: HttpClient's own check refuses 127.0.0.1
            assertThrows(SSLHandshakeException.class, () -> client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/jdk")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void httpsUrlConnectionWithThePolicysSocketFactory() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(ca.issue("localhost"))) {
            HttpsURLConnection c = (HttpsURLConnection) URI.create("https://localhost:" + server.port() + "/url")
                    .toURL().openConnection();
            c.setSSLSocketFactory(policy.socketFactory());
            try (InputStream in = c.getInputStream()) {
                assertEquals("hello GET /url\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aBareSslContextAcceptsAnyNameWhileThePolicysFactoryRefusesIt() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(ca.issue("other.example"))) {
            // the README's warning, shown: no host name check unless the socket is told to make one
            try (SSLSocket bare = (SSLSocket) policy.sslContext().getSocketFactory().createSocket()) {
                bare.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
                bare.startHandshake();
                assertEquals("CN=other.example",
                        bare.getSession().getPeerPrincipal().getName(), "a certificate for another name was accepted");
            }
            try (Socket checked = policy.socketFactory().createSocket("localhost", server.port())) {
                assertThrows(SSLHandshakeException.class, ((SSLSocket) checked)::startHandshake);
            }
        }
    }
}
