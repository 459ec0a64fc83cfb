package dev.starttls.testkit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP CONNECT proxy for tests: Jetty 12's {@link ConnectHandler} on a free loopback port, optionally demanding
 * {@code Proxy-Authorization: Basic}, and allowed to reach {@code 127.0.0.1} and {@code localhost} only (any other
 * target is refused with {@code 403} before any connection is attempted). It records every request head it received.
 *
 * <pre>{@code
 * try (ConnectProxy proxy = ConnectProxy.start();
 *         ConnectProxy guarded = ConnectProxy.withBasicAuth("corp", "proxyuser", "proxypass")) {
 *     // no credentials to `guarded`            -> 407 with Proxy-Authenticate: Basic realm="corp"
 *     // CONNECT example.com:443 to either      -> 403, nothing leaves the machine
 *     // CONNECT 127.0.0.1:<closed port>         -> 502 (Jetty cannot reach the target)
 *     assertEquals("CONNECT", proxy.requests().get(0).method());
 * }
 * }</pre>
 *
 * <p>Misbehaviour Jetty does not do (a redirect, plaintext after the 200, its own certificate, an endless header
 * block, a dripping reply, the 200 and the target's first bytes in one segment) is in {@link ScriptedProxy}.
 * Thread-safe; {@link #close()} stops Jetty and every tunnel.
 *
 * @since 0.1
 */
public final class ConnectProxy implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();

    private ConnectProxy(String realm, String expectedCredentials) {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new LoopbackConnectHandler(realm, expectedCredentials));
        Jetty.start(server);
    }

    /** A proxy that asks for no credentials. */
    public static ConnectProxy start() {
        return new ConnectProxy(null, null);
    }

    /**
     * A proxy that answers {@code 407} with {@code Proxy-Authenticate: Basic realm="<realm>"} unless the request carries
     * these credentials.
     */
    public static ConnectProxy withBasicAuth(String realm, String user, String password) {
        Objects.requireNonNull(realm, "realm");
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new ConnectProxy(realm, "Basic " + token);
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

    private final class LoopbackConnectHandler extends ConnectHandler {
        private final String realm;
        private final String expectedCredentials;

        LoopbackConnectHandler(String realm, String expectedCredentials) {
            this.realm = realm;
            this.expectedCredentials = expectedCredentials;
            setConnectTimeout(5_000);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String target = HttpMethod.CONNECT.is(request.getMethod())
                    ? request.getHttpURI().getAuthority() : request.getHttpURI().getPathQuery();
            requests.add(Jetty.received(request, target));
            return super.handle(request, response, callback);
        }

        @Override
        protected boolean handleAuthentication(Request request, Response response, String address) {
            if (expectedCredentials == null
                    || expectedCredentials.equals(request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION))) {
                return true;
            }
            // RFC 9110 11.7.1: a 407 carries the challenge
            response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"" + realm + "\"");
            return false;
        }

        @Override
        protected void onConnectFailure(Request request, Response response, Callback callback, Throwable failure) {
            // Jetty answers 500 to a refused connection; RFC 9110 15.6.3: a proxy that cannot reach the target says 502
            Response.writeError(request, response, callback, HttpStatus.BAD_GATEWAY_502);
        }

        @Override
        public boolean validateDestination(String host, int port) {
            // a test proxy must never reach beyond this machine
            return "127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host);
        }

        @Override
        protected InetSocketAddress newConnectAddress(String host, int port) {
            return new InetSocketAddress("127.0.0.1", port); // localhost -> IPv4 loopback, where the kit listens
        }
    }
}
