package dev.starttls.cli;

import dev.starttls.Endpoint;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One server to probe, parsed from a URL such as {@code smtp://mail.example.com:587}: the scheme says the protocol and
 * whether TLS is implicit, the port defaults to the scheme's. A {@code #label} after the URL is kept in {@link #line()}
 * (and so in the output) and otherwise ignored, so that a batch can name its rows.
 *
 * @param line the target as the user wrote it (trimmed): the key for {@code --shard} and {@code --resume}
 */
record Target(String line, Scheme scheme, String host, int port) {

    /**
     * Parses one target.
     *
     * @throws IllegalArgumentException naming what is wrong with the line
     */
    static Target parse(String text) {
        String line = text.strip();
        URI uri;
        try {
            uri = new URI(line);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + line + "' (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("not a URL with a scheme and a host: '" + line
                    + "' (expected e.g. smtp://mail.example.com:587)");
        }
        Scheme scheme = Scheme.forId(uri.getScheme()).orElseThrow(() -> new IllegalArgumentException(
                "unsupported scheme in '" + line + "': use one of " + Scheme.supported()));
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("a target is scheme://host[:port] only: '" + line + "'");
        }
        int port = uri.getPort() == -1 ? scheme.defaultPort() : uri.getPort();
        Endpoint endpoint = Endpoint.of(uri.getHost(), port); // the core's own host and port checks
        return new Target(line, scheme, endpoint.host(), endpoint.port());
    }

    /** {@code host:port}, with brackets for IPv6. */
    String address() {
        return Endpoint.of(host, port).toString();
    }
}
