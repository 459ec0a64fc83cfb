package dev.starttls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starttls.Handshake;
import dev.starttls.UpgradeReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One probe result as one JSON object on one line (JSON Lines for batches):
 *
 * <pre>{@code
 * {"target":"smtp://localhost:2525","scheme":"smtp","host":"localhost","port":2525,"ok":true,"tls":true,
 *  "mode":"starttls","handshake":{"protocol":"TLSv1.3","cipherSuite":"TLS_AES_256_GCM_SHA384","alpn":null,
 *  "resumed":false},"chain":[{"subject":"CN=localhost",...,"daysLeft":0}],"capabilitiesBeforeTls":[...],
 *  "capabilities":[...],"timeMs":{"connect":0.3,"plaintext":1.9,"handshake":6.1,"afterTls":0.7,"total":9.8}}
 * }</pre>
 *
 * On failure {@code "ok":false} and {@code "error":{"failure":"CERTIFICATE","message":"..."}}. Thread-safe.
 */
final class JsonFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final boolean pem;
    private final Optional<Instant> warnBefore;

    /**
     * @param pem whether to include each certificate's PEM
     * @param warnBefore with {@code --warn-days}: the instant a certificate must outlive
     */
    JsonFormat(boolean pem, Optional<Instant> warnBefore) {
        this.pem = pem;
        this.warnBefore = warnBefore;
    }

    String format(ProbeResult result) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("target", result.line());
        result.target().ifPresent(t -> json.put("scheme", t.scheme().id()).put("host", t.host()).put("port", t.port())
                .put("mode", t.scheme().isImplicit() ? "implicit" : "starttls"));
        json.put("ok", result.ok());
        result.session().ifPresent(facts -> session(json, facts));
        result.failure().ifPresent(p -> json.putObject("error").put("failure", p.failure()).put("message", p.message()));
        warnBefore.filter(limit -> result.ok()).ifPresent(limit -> json.put("expiresSoon", result.expiresBefore(limit)));
        ObjectNode time = json.putObject("timeMs");
        result.session().ifPresent(facts -> timings(time, facts.report()));
        time.put("total", millis(result.total()));
        return json.toString();
    }

    private void session(ObjectNode json, ProbeResult.SessionFacts facts) {
        json.put("tls", facts.handshake().isPresent());
        facts.handshake().ifPresent(h -> handshake(json, h));
        strings(json.putArray("capabilitiesBeforeTls"), facts.report().capabilitiesBeforeTls());
        strings(json.putArray("capabilities"), facts.capabilities());
    }

    private void handshake(ObjectNode json, Handshake handshake) {
        json.putObject("handshake")
                .put("protocol", handshake.protocol())
                .put("cipherSuite", handshake.cipherSuite())
                .put("alpn", handshake.applicationProtocol().orElse(null))
                .put("resumed", handshake.resumed());
        ArrayNode chain = json.putArray("chain");
        Instant now = Instant.now();
        handshake.peerCertificates().forEach(c -> certificate(chain.addObject(), CertificateFacts.of(c, now)));
    }

    private void certificate(ObjectNode json, CertificateFacts c) {
        json.put("subject", c.subject()).put("issuer", c.issuer());
        strings(json.putArray("sans"), c.sans());
        json.put("notBefore", c.notBefore().toString()).put("notAfter", c.notAfter().toString())
                .put("daysLeft", c.daysLeft());
        if (pem) {
            json.put("pem", c.pem());
        }
    }

    private static void timings(ObjectNode json, UpgradeReport report) {
        json.put("connect", millis(report.connect())).put("plaintext", millis(report.plaintext()))
                .put("handshake", millis(report.handshake())).put("afterTls", millis(report.afterTls()));
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static double millis(Duration d) {
        return Math.round(d.toNanos() / 10_000.0) / 100.0;
    }
}
