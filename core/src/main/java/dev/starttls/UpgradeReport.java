package dev.starttls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link TlsSession} came to be: whether TLS was implicit or an in-place upgrade, what the server announced in
 * clear before the upgrade (kept for reports only; sessions never act on it), and the time each phase took.
 *
 * <pre>{@code
 * UpgradeReport report = session.report();
 * System.out.printf("connect %s, plaintext %s, handshake %s, after TLS %s%n",
 *         report.connect(), report.plaintext(), report.handshake(), report.afterTls());
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param implicit whether TLS started at once (SMTPS, IMAPS, POP3S, FTPS, HTTPS) instead of after a plaintext dialogue
 * @param capabilitiesBeforeTls what the server announced in clear; empty for implicit TLS
 * @param connect the TCP connect; zero when the caller brought a connected socket
 * @param plaintext the plaintext dialogue up to the server's go-ahead (greeting included); zero for implicit TLS
 * @param handshake the TLS handshake; zero after an opportunistic fallback
 * @param afterTls greeting (implicit TLS) and capabilities read again inside TLS
 * @since 0.1
 */
public record UpgradeReport(
        boolean implicit,
        List<String> capabilitiesBeforeTls,
        Duration connect,
        Duration plaintext,
        Duration handshake,
        Duration afterTls) {

    /** Checks and copies the components. */
    public UpgradeReport {
        capabilitiesBeforeTls = List.copyOf(capabilitiesBeforeTls);
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(afterTls, "afterTls");
    }

    /** This report with the connect phase set, for callers that connect before the dialogue starts. */
    public UpgradeReport withConnect(Duration connect) {
        return new UpgradeReport(implicit, capabilitiesBeforeTls, connect, plaintext, handshake, afterTls);
    }
}
