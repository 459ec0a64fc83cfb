package dev.starttls.http;

import dev.starttls.Deadline;
import dev.starttls.TlsUpgradeException;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.ChannelSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 connection over TLS, enough to send a request and read its response (status, fields and a body framed by
 * {@code Content-Length} or {@code chunked}), one at a time: for the command line, probes and tests. Applications with
 * real HTTP needs plug the same {@link dev.starttls.TlsPolicy} into the JDK's {@code HttpClient} instead (see the
 * README).
 *
 * <pre>{@code
 * try (HttpSession https = HttpTls.connectImplicit("www.example.com", 443, policy)) {
 *     HttpReply reply = https.get("/");
 *     System.out.println(reply.status() + " " + https.handshake().orElseThrow().applicationProtocol());
 * }
 * }</pre>
 *
 * <p>Each response is read under one deadline (the policy's read timeout: a server that drips its response does not
 * extend it), its head bounded by the policy's line length and reply line count, its body by
 * {@code maxMessageSize}. A failure closes the session. HTTP announces no capabilities, so {@link #capabilities()} is
 * empty. Not thread-safe: one request at a time; {@link #close()} may be called from any thread.
 *
 * @since 0.1
 */
public final class HttpSession extends ChannelSession {
    private boolean reusable = true;

    /** HTTP has no capability listing like EHLO or CAPA: {@link #capabilities()} is always empty. */
    HttpSession(Channel channel, UpgradeReport report) {
        super(channel, List.of(), report);
    }

    /** {@code GET target} with no extra fields. */
    public HttpReply get(String target) throws TlsUpgradeException {
        return send("GET", target, Map.of(), null);
    }

    /**
     * Sends one request and reads its final response (interim {@code 1xx} responses are skipped). The request carries
     * {@code Host} (unless {@code fields} has one) and, with a body, {@code Content-Length}.
     *
     * @param method a token such as {@code GET}, {@code HEAD}, {@code POST}
     * @param target the request target, such as {@code /index.html?q=1}
     * @param fields extra header fields, in the map's order; {@code Content-Length} and {@code Transfer-Encoding} are
     *     the session's to set
     * @param body the body, or {@code null} for none
     * @throws IllegalArgumentException for a malformed method, target or field, before anything is written
     * @throws IllegalStateException if the session is closed, or the server ended the connection with its last
     *     response
     * @throws TlsUpgradeException {@code PROTOCOL}, {@code LIMIT}, {@code TIMEOUT}, {@code CLOSED}; the session is
     *     then closed
     */
    public HttpReply send(String method, String target, Map<String, String> fields, byte[] body)
            throws TlsUpgradeException {
        byte[] request = format(method, target, fields, body);
        channel().requireOpen("HTTP");
        if (!reusable) {
            throw new IllegalStateException("the server " + channel().peer() + " closed the connection after its last "
                    + "response: open a new session");
        }
        return channel().closeOnFailure(() -> {
            channel().sendRaw(request);
            Deadline deadline = channel().replyDeadline();
            String from = "server " + channel().peer();
            int maxFields = channel().policy().maxReplyLines();
            HttpHead head = HttpHead.readFinal(channel().reader(), deadline, maxFields, from);
            HttpBody.Framing framing = HttpBody.framing(method, head);
            byte[] content = HttpBody.read(framing, head, channel().reader(), deadline,
                    channel().policy().maxMessageSize(), maxFields, from);
            reusable = framing != HttpBody.Framing.UNTIL_CLOSE && head.values("Connection").stream()
                    .noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
            return new HttpReply(head.status(), head.reason(), head.fields(), content);
        });
    }

    private byte[] format(String method, String target, Map<String, String> fields, byte[] body) {
        HttpSyntax.requireToken("method", method);
        if (HttpSyntax.requireText("target", target, false).isEmpty()) {
            throw new IllegalArgumentException("target must not be empty: use \"/\"");
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (fields.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
            head.append("Host: ").append(HttpSyntax.hostField(channel().endpoint())).append("\r\n");
        }
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String name = HttpSyntax.requireToken("field name", f.getKey());
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(name + " is set by the session from the body");
            }
            head.append(name).append(": ").append(HttpSyntax.requireText(name, f.getValue(), true)).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return bytes.toByteArray();
    }

    /** Closes the connection; HTTP/1.1 has no goodbye to send. */
    @Override
    public void close() {
        channel().close();
    }

    @Override
    public String toString() {
        return "HttpSession{" + channel().peer() + (isTls() ? ", TLS" : ", plaintext") + '}';
    }
}
