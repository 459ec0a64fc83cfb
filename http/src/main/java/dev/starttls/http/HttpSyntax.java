package dev.starttls.http;

import dev.starttls.Endpoint;
import dev.starttls.internal.HostNames;
import java.util.Objects;

/** Checks what callers put on the wire before anything is written, and formats authorities. */
final class HttpSyntax {
    private HttpSyntax() {
    }

    /**
     * The endpoint for a target host and port, refused before anything is written when the host carries CR, LF, NUL,
     * white space, a userinfo part ({@code user@host}) or a path, or the port is outside 1..65535.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static Endpoint requireTarget(String what, String host, int port) {
        Objects.requireNonNull(host, what);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(what + " must not contain CR, LF, NUL, spaces or other control "
                        + "characters (index " + i + ")");
            }
            if (c == '@') {
                // RFC 9110 4.2.4: userinfo is deprecated in http(s) URIs; in a CONNECT target it is a smuggling attempt
                throw new IllegalArgumentException(what + " must not contain a userinfo part ('@'): " + host);
            }
            if (c == '/' || c == '?' || c == '#') {
                throw new IllegalArgumentException(what + " must be a host name or IP literal, not a URL: " + host);
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be 1..65535: " + port);
        }
        return Endpoint.of(host, port);
    }

    /** {@code host:port}, with an IPv6 literal in brackets (RFC 9112 3.2.3 authority-form, RFC 9110 7.2 Host). */
    static String authority(String host, int port) {
        return (HostNames.isIpLiteral(host) && host.indexOf(':') >= 0 ? "[" + HostNames.unbracket(host) + "]" : host)
                + ":" + port;
    }

    /** RFC 9110 7.2: the Host field for {@code endpoint}; the port is left out when it is the default 443. */
    static String hostField(Endpoint endpoint) {
        String authority = authority(endpoint.host(), endpoint.port());
        return endpoint.port() == HttpTls.HTTPS_PORT ? authority.substring(0, authority.lastIndexOf(':')) : authority;
    }

    /** RFC 9110 5.6.2: a token (method, field name); anything else is refused. */
    static String requireToken(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean tchar = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                throw new IllegalArgumentException(what + " must be an RFC 9110 token; bad character at index " + i);
            }
        }
        return value;
    }

    /** A field value or request target: no CR, LF, NUL (and for a target, no space); checked before any write. */
    static String requireText(String what, String value, boolean spaceAllowed) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0' || !spaceAllowed && (c == ' ' || c == '\t')) {
                throw new IllegalArgumentException(what + " must not contain CR, LF, NUL"
                        + (spaceAllowed ? "" : " or spaces") + " (index " + i + ")");
            }
        }
        return value;
    }
}
