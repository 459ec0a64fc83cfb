package dev.starttls.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link HttpReply} and {@link HttpProxy} as values: equal by content, copies of their arrays, and what they print. */
class HttpValuesTest {
    private static final List<Map.Entry<String, String>> FIELDS = List.of(Map.entry("Content-Type", "text/plain"));

    private static HttpReply reply(int status, String reason, List<Map.Entry<String, String>> fields, String body) {
        return new HttpReply(status, reason, fields, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void repliesAreEqualByStatusReasonFieldsAndBodyBytes() {
        HttpReply reply = reply(200, "OK", FIELDS, "body");
        HttpReply same = reply(200, "OK", FIELDS, "body");
        assertEquals(reply, same);
        assertEquals(reply.hashCode(), same.hashCode());
        assertNotEquals(reply, reply(201, "OK", FIELDS, "body"));
        assertNotEquals(reply, reply(200, "Fine", FIELDS, "body"));
        assertNotEquals(reply, reply(200, "OK", List.of(), "body"));
        assertNotEquals(reply, reply(200, "OK", FIELDS, "bodz"));
        assertNotEquals(reply.hashCode(), reply(200, "OK", FIELDS, "bodz").hashCode());
        assertNotEquals(reply.hashCode(), reply(201, "OK", FIELDS, "body").hashCode());
        assertFalse(reply.equals("HTTP/1.1 200 OK"));
    }

    @Test
    void aReplysBodyIsACopyBothWays() {
        byte[] body = "body".getBytes(StandardCharsets.UTF_8);
        HttpReply reply = new HttpReply(200, "OK", FIELDS, body);
        body[0] = 'X';
        reply.body()[1] = 'X';
        assertArrayEquals("body".getBytes(StandardCharsets.UTF_8), reply.body());
        assertEquals("body", reply.bodyText());
        assertEquals(Optional.of("text/plain"), reply.header("content-type"));
    }

    @Test
    void aReplyPrintsItsStatusAndSizesNotItsBody() {
        assertEquals("HttpReply{404 Not Found, 1 fields, 6 bytes}", reply(404, "Not Found", FIELDS, "secret")
                .toString());
    }

    @Test
    void proxiesAreEqualByAddressAndCredentials() {
        HttpProxy proxy = HttpProxy.of("127.0.0.1", 3128);
        HttpProxy alice = proxy.withBasicAuth("alice", "one");
        assertEquals(HttpProxy.of("127.0.0.1", 3128), proxy);
        assertEquals(proxy.hashCode(), HttpProxy.of("127.0.0.1", 3128).hashCode());
        assertEquals(proxy.withBasicAuth("alice", "one"), alice);
        assertEquals(alice.hashCode(), proxy.withBasicAuth("alice", "one").hashCode());
        assertNotEquals(proxy, alice);
        assertNotEquals(alice, proxy.withBasicAuth("alice", "two"), "another password is another proxy identity");
        assertNotEquals(alice, proxy.withBasicAuth("bob", "one"));
        assertNotEquals(proxy, HttpProxy.of("127.0.0.2", 3128));
        assertNotEquals(proxy, HttpProxy.of("127.0.0.1", 3129));
        assertNotEquals(proxy.hashCode(), HttpProxy.of("127.0.0.1", 3129).hashCode());
        assertFalse(proxy.equals("proxy 127.0.0.1:3128"));
        assertTrue(alice.toString().endsWith(" as alice") && !alice.toString().contains("one"), alice.toString());
    }
}
