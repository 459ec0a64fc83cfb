package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 6.4 matching of host names against subjectAltNames, without certificates or DNS. */
class HostnameMatcherTest {
    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
        "mail.example.com, DNS:mail.example.com, true",
        "MAIL.Example.COM., DNS:mail.example.com, true",
        "mail.example.com, DNS:*.example.com, true",
        "mail.example.com, DNS:*.EXAMPLE.com., true",
        "example.com, DNS:*.example.com, false",
        "a.b.example.com, DNS:*.example.com, false",
        "example.com, DNS:*.com, false",
        "com, DNS:*, false",
        "foo.example.com, DNS:f*.example.com, false",
        "foo.example.com, DNS:*o.example.com, false",
        "mail.example.com, DNS:mail.*.com, false",
        "mail.example.com, DNS:**.example.com, false",
        "localhost, IP:127.0.0.1, false",
        "127.0.0.1, IP:127.0.0.1, true",
        "127.0.0.1, DNS:127.0.0.1, false",
        "::1, IP:0:0:0:0:0:0:0:1, true",
        "[::1], IP:0:0:0:0:0:0:0:1, true",
        "127.0.0.2, IP:127.0.0.1, false",
        "bücher.example, DNS:xn--bcher-kva.example, true",
        "example.com, DNS:example.com.., false",
        "'', DNS:example.com, false",
        ".example.com, DNS:.example.com, false",
        "mail..example.com, DNS:mail..example.com, false",
        "mail.example.com, DNS:.example.com, false",
        "127.0.0.1, IP:not-an-address, false",
        "127.0.0.1, IP:127.0.0.1.example, false",
        "mail.example.com, IP:mail.example.com, false",
        "mail.example.com, DNS:MAIL.example.com, true",
        "bücher.example, DNS:bücher.example, true",
        "x.example, DNS:xn--a.example, false",
    })
    void matchesByRfc6125(String host, String san, boolean expected) {
        assertEquals(expected, HostnameMatcher.matches(host, List.of(san)));
    }

    @Test
    void aNameIdnaCannotEncodeMatchesNothing() {
        String tooLongLabel = "a".repeat(64) + ".example.com"; // DNS labels are 63 bytes at most
        assertEquals(false, HostnameMatcher.matches(tooLongLabel, List.of("DNS:" + tooLongLabel)));
        assertEquals(true, HostnameMatcher.matches("mail.example.com",
                List.of("IP:192.0.2.1", "DNS:other.example.com", "DNS:mail.example.com")), "any SAN may match");
        assertEquals(false, HostnameMatcher.matches("mail.example.com", List.of()));
    }
}
