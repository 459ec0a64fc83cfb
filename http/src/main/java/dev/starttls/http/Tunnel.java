package dev.starttls.http;

import dev.starttls.Deadline;
import dev.starttls.Endpoint;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TunneledSocket;
import dev.starttls.Upgrader;
import dev.starttls.internal.Failures;
import dev.starttls.spi.Channel;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The HTTP CONNECT dialogue (RFC 9110 9.3.6) with a proxy, up to the hand-over of the tunnel. */
final class Tunnel {
    private Tunnel() {
    }

    static TunneledSocket open(HttpProxy proxy, String targetHost, int targetPort, TlsPolicy policy)
            throws TlsUpgradeException {
        Endpoint target = HttpSyntax.requireTarget("target host", targetHost, targetPort);
        byte[] request = request(proxy, target);
        Socket socket = Upgrader.of(policy).connectPlain(proxy.host(), proxy.port());
        Channel channel = Channel.open(socket, policy, Endpoint.of(proxy.host(), proxy.port()));
        return channel.closeOnFailure(() -> {
            HttpHead head = exchange(channel, request, proxy, target);
            if (head.status() / 100 != 2) {
                throw refusal(proxy, target, head);
            }
            // RFC 9110 9.3.6: a 2xx to CONNECT has no content, whatever Content-Length or Transfer-Encoding it
            // carries; every byte after its empty line is the target's (a greeting often shares the segment)
            byte[] fromTarget = channel.reader().takeBuffered();
            try {
                return TunneledSocket.over(socket, target.host(), target.port(), fromTarget);
            } catch (IOException e) {
                throw Failures.of(e, "cannot use the tunnel to " + target + " through " + proxy);
            }
        });
    }

    /** Sends the request and reads the answer under one deadline; failures name the step and the proxy. */
    private static HttpHead exchange(Channel channel, byte[] request, HttpProxy proxy, Endpoint target)
            throws TlsUpgradeException {
        try {
            channel.sendRaw(request);
            Deadline deadline = channel.replyDeadline();
            return HttpHead.readFinal(channel.reader(), deadline, channel.policy().maxReplyLines(), proxy.toString());
        } catch (TlsUpgradeException e) {
            throw new TlsUpgradeException(e.failure(), "CONNECT " + target + " through " + proxy + ": "
                    + e.getMessage(), e.reply().orElse(null), e.replyCode().orElse(-1), e);
        }
    }

    /** {@code CONNECT host:port HTTP/1.1}, {@code Host}, and the proxy's own credentials if it has any. */
    private static byte[] request(HttpProxy proxy, Endpoint target) {
        String authority = HttpSyntax.authority(target.host(), target.port());
        StringBuilder b = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        proxy.authorization().ifPresent(a -> b.append("Proxy-Authorization: ").append(a).append("\r\n"));
        return b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static TlsUpgradeException refusal(HttpProxy proxy, Endpoint target, HttpHead head) {
        int status = head.status();
        String why;
        if (status == 407) {
            why = proxy.user().isPresent() ? "it refused the credentials of " + proxy.user().get()
                    : "it requires credentials: use HttpProxy.withBasicAuth";
        } else if (status / 100 == 3) {
            why = "redirects are never followed for CONNECT";
        } else {
            why = "only a 2xx opens a tunnel";
        }
        return new TlsUpgradeException(Failure.CONNECT, proxy + " did not open a tunnel to " + target + ": "
                + head.summary("Proxy-Authenticate", "Location") + "; " + why, head.text(),
                status, null);
    }
}
