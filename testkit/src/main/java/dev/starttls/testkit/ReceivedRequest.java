package dev.starttls.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request head as a test server or proxy of the kit received it: the method, the request target and the
 * header fields, for assertions such as "the proxy never saw the origin's {@code Authorization}".
 *
 * <pre>{@code
 * ReceivedRequest connect = proxy.requests().get(0);
 * assertEquals("CONNECT", connect.method());
 * assertEquals("localhost:" + serverPort, connect.target());
 * assertTrue(connect.header("Authorization").isEmpty());
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param method the request method, as sent ({@code CONNECT}, {@code GET}, ...)
 * @param target the request target, as sent ({@code localhost:8443}, {@code /index.html}, {@code *})
 * @param headers every field in order of arrival, names as sent
 * @since 0.1
 */
public record ReceivedRequest(String method, String target, List<Map.Entry<String, String>> headers) {
    /** Copies the header list. */
    public ReceivedRequest {
        headers = List.copyOf(headers);
    }

    /**
     * Parses a request head: the request line, then {@code Name: value} lines; a line without a colon is kept with an
     * empty value so a test still sees it.
     */
    public static ReceivedRequest parse(List<String> head) {
        if (head.isEmpty()) {
            return new ReceivedRequest("", "", List.of());
        }
        String[] requestLine = head.get(0).split(" ", 3);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            fields.add(colon < 0 ? Map.entry(line, "")
                    : Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return new ReceivedRequest(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", fields);
    }

    /** The first value of the field {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** The fields as a map of lower-case names to their first value. */
    public Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            map.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + headers;
    }
}
