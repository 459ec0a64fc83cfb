package dev.starttls.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Matches a host name against a certificate's subjectAltNames by RFC 6125 6.4 (as OkHttp's {@code OkHostnameVerifier}
 * does), stricter than the JDK's {@code HTTPS} identification: a DNS name matches only DNS SANs, never the subject CN
 * (RFC 6125 6.4.4); an IP literal matches only IP SANs; a wildcard is only the whole left-most label, covers exactly
 * one label, and needs at least two labels after it ({@code *.com} matches nothing). Never resolves anything. Not API.
 */
public final class HostnameMatcher {
    private HostnameMatcher() {
    }

    /**
     * Whether {@code host} matches one of {@code subjectAltNames}, given as {@link
     * SanRequiringTrustManager#subjectAltNames} returns them ({@code DNS:name} / {@code IP:address}).
     */
    public static boolean matches(String host, List<String> subjectAltNames) {
        String unbracketed = HostNames.unbracket(host);
        boolean ip = HostNames.isIpLiteral(unbracketed);
        for (String san : subjectAltNames) {
            if (ip ? san.startsWith("IP:") && sameAddress(unbracketed, san.substring(3))
                    : san.startsWith("DNS:") && matchesDnsName(unbracketed, san.substring(4))) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6125 6.4.1 and 6.4.3 for one DNS name from a certificate; case-insensitive, trailing dots ignored. */
    static boolean matchesDnsName(String host, String pattern) {
        String name = canonical(host);
        String san = canonical(pattern);
        if (name == null || san == null) {
            return false;
        }
        if (san.indexOf('*') < 0) {
            return name.equals(san);
        }
        // RFC 6125 6.4.3: the wildcard is the whole left-most label ("f*.example.com" and "mail.*.com" match nothing)
        if (!san.startsWith("*.") || san.indexOf('*', 1) >= 0) {
            return false;
        }
        String suffix = san.substring(1); // ".example.com"
        // at least two labels after the wildcard: "*.com" would cover a whole top-level domain
        if (suffix.indexOf('.', 1) < 0) {
            return false;
        }
        if (!name.endsWith(suffix)) {
            return false;
        }
        // the wildcard stands for exactly one non-empty label: "*.example.com" does not match "a.b.example.com"
        return name.lastIndexOf('.', name.length() - suffix.length() - 1) < 0;
    }

    /** Lower case, A-labels for internationalised names, no trailing dot; null for names that are not names. */
    private static String canonical(String name) {
        String stripped = HostNames.stripTrailingDot(name);
        if (stripped.isEmpty() || stripped.startsWith(".") || stripped.contains("..")) {
            return null;
        }
        try {
            return IDN.toASCII(stripped, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameAddress(String literal, String sanAddress) {
        if (!HostNames.isIpLiteral(sanAddress)) {
            return false;
        }
        try {
            // both are literals, so getByName parses them without any DNS lookup
            return Arrays.equals(InetAddress.getByName(literal).getAddress(),
                    InetAddress.getByName(sanAddress).getAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
