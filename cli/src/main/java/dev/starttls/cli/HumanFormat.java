package dev.starttls.cli;

import dev.starttls.Handshake;
import dev.starttls.UpgradeReport;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One probe result for a person, in the spirit of {@code openssl s_client -brief}:
 *
 * <pre>
 * smtp://localhost:2525  OK  TLSv1.3 TLS_AES_256_GCM_SHA384 (STARTTLS)
 *   ALPN         none
 *   resumed      no
 *   certificate  0 CN=localhost
 *                  issuer   CN=starttls-java test CA 5f1c..., O=starttls-java testkit
 *                  names    localhost, 127.0.0.1, 0:0:0:0:0:0:0:1
 *                  valid    2025-01-01T10:00:00Z .. 2025-01-02T11:00:00Z (0 days left)
 *   before TLS   PIPELINING, STARTTLS, ...
 *   after TLS    PIPELINING, AUTH PLAIN LOGIN, ...
 *   time         connect 0.31 ms, plaintext 1.92 ms, handshake 6.05 ms, after TLS 0.72 ms, total 9.80 ms
 * </pre>
 *
 * Thread-safe.
 */
final class HumanFormat {
    private static final String INDENT = "                 ";

    private final boolean pem;
    private final Optional<Instant> warnBefore;

    HumanFormat(boolean pem, Optional<Instant> warnBefore) {
        this.pem = pem;
        this.warnBefore = warnBefore;
    }

    String format(ProbeResult result) {
        StringBuilder out = new StringBuilder(result.line());
        if (result.failure().isPresent()) {
            ProbeResult.Problem problem = result.failure().get();
            return out.append("  FAILED  ").append(problem.failure()).append('\n')
                    .append("  ").append(problem.message()).append('\n').toString();
        }
        ProbeResult.SessionFacts facts = result.session().orElseThrow();
        String mode = result.target().map(t -> t.scheme().mode()).orElse("");
        if (facts.handshake().isEmpty()) {
            out.append("  OK  NO TLS: plaintext after an opportunistic fallback\n");
        } else {
            Handshake h = facts.handshake().get();
            out.append("  OK  ").append(h.protocol()).append(' ').append(h.cipherSuite()).append(" (").append(mode)
                    .append(")\n");
            line(out, "ALPN", h.applicationProtocol().orElse("none"));
            line(out, "resumed", h.resumed() ? "yes" : "no");
            chain(out, h);
        }
        if (!facts.report().implicit()) {
            line(out, "before TLS", list(facts.report().capabilitiesBeforeTls()));
        }
        line(out, facts.handshake().isPresent() ? "after TLS" : "capabilities", list(facts.capabilities()));
        line(out, "time", times(facts.report(), result.total()));
        warnBefore.filter(result::expiresBefore).ifPresent(limit -> line(out, "WARNING",
                "a certificate in the chain expires before " + limit));
        return out.toString();
    }

    private void chain(StringBuilder out, Handshake handshake) {
        Instant now = Instant.now();
        List<X509Certificate> chain = handshake.peerCertificates();
        for (int i = 0; i < chain.size(); i++) {
            CertificateFacts c = CertificateFacts.of(chain.get(i), now);
            line(out, i == 0 ? "certificate" : "", i + " " + c.subject());
            out.append(INDENT).append("  issuer   ").append(c.issuer()).append('\n');
            out.append(INDENT).append("  names    ").append(c.sans().isEmpty() ? "(no subjectAltName)"
                    : String.join(", ", c.sans())).append('\n');
            out.append(INDENT).append("  valid    ").append(c.notBefore()).append(" .. ").append(c.notAfter())
                    .append(" (").append(c.daysLeft()).append(" days left)\n");
            if (pem) {
                out.append(c.pem());
            }
        }
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-13s%s\n", label, value));
    }

    private static String list(List<String> values) {
        return values.isEmpty() ? "(none)" : String.join(", ", values);
    }

    private static String times(UpgradeReport r, Duration total) {
        return "connect " + ms(r.connect()) + ", plaintext " + ms(r.plaintext()) + ", handshake " + ms(r.handshake())
                + ", after TLS " + ms(r.afterTls()) + ", total " + ms(total);
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1_000_000.0);
    }
}
