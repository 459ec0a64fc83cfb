package dev.starttls.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response as {@link HttpSession} read it: status, reason, header fields in order, and the whole body (its
 * chunked or counted framing removed).
 *
 * <pre>{@code
 * HttpReply reply = session.get("/");
 * if (reply.status() == 200) {
 *     System.out.println(reply.header("Content-Type").orElse("?") + ": " + reply.bodyText());
 * }
 * }</pre>
 *
 * <p>Instances are immutable apart from the body array, which is a copy; safe to share.
 *
 * @param status the status code, 100 to 599 (RFC 9110 15: anything else is refused as not HTTP)
 * @param reason the reason phrase, possibly empty
 * @param headers every field in order, names as sent
 * @param body the body bytes; empty when there is none
 * @since 0.1
 */
public record HttpReply(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body) {
    /** Copies the components. */
    public HttpReply {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** The first value of field {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8 (invalid bytes replaced). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Equal when status, reason, fields and body bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HttpReply r && r.status == status && r.reason.equals(reason) && r.headers.equals(headers)
                && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, headers) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "HttpReply{" + status + " " + reason + ", " + headers.size() + " fields, " + body.length + " bytes}";
    }
}
