package dev.starttls.testkit;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * An embedded Jetty 12 HTTPS server on a free loopback port, presenting a certificate from the kit's
 * {@link CertificateAuthority}, negotiating ALPN {@code http/1.1}, and answering every request with a short text. It
 * records every request head it received.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create();
 * try (HttpsTestServer server = HttpsTestServer.start(ca.issue("localhost", "127.0.0.1"))) {
 *     // GET /anything        -> 200, "hello GET /anything\n" with a Content-Length
 *     // GET /chunked?n=3     -> 200, three lines "chunk 0\n" ... in chunked transfer coding
 *     // GET /bytes?n=100000  -> 200, n bytes 'x' with a Content-Length
 *     // GET /status?code=404 -> that status, with a short body
 *     HttpsURLConnection c = ...; // or the library's HttpTls
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops Jetty.
 *
 * @since 0.1
 */
public final class HttpsTestServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();

    private HttpsTestServer(HeldCertificate certificate) {
        server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(certificate.keyStore());
        tls.setKeyStorePassword(new String(HeldCertificate.keyStorePassword()));
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer());
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("http/1.1");
        alpn.setDefaultProtocol(http.getProtocol());
        connector = new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Answering());
        Jetty.start(server);
    }

    /** Starts a server that presents {@code certificate}. */
    public static HttpsTestServer start(HeldCertificate certificate) {
        return new HttpsTestServer(certificate);
    }

    /** The loopback port. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Every request head received, in order. */
    public List<ReceivedRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        Jetty.stop(server);
    }

    private final class Answering extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            requests.add(Jetty.received(request, request.getHttpURI().getPathQuery()));
            String path = request.getHttpURI().getPath();
            int n = intParameter(request, "n", 3);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            if ("/chunked".equals(path)) {
                // flushing before the end, without a Content-Length, makes Jetty use the chunked coding
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    for (int i = 0; i < n; i++) {
                        out.write(("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
                callback.succeeded();
                return true;
            }
            String body;
            if ("/bytes".equals(path)) {
                body = "x".repeat(n);
            } else if ("/status".equals(path)) {
                response.setStatus(intParameter(request, "code", 200));
                body = "status " + response.getStatus() + "\n";
            } else {
                body = "hello " + request.getMethod() + " " + request.getHttpURI().getPathQuery() + "\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
        }

        private int intParameter(Request request, String name, int otherwise) {
            String query = request.getHttpURI().getQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith(name + "=")) {
                        return Integer.parseInt(pair.substring(name.length() + 1));
                    }
                }
            }
            return otherwise;
        }
    }
}
