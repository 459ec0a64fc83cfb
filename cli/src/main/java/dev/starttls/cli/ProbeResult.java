package dev.starttls.cli;

import dev.starttls.Handshake;
import dev.starttls.TlsSession;
import dev.starttls.UpgradeReport;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one probe found, taken from the session before it was closed: the handshake and the report of a success, or the
 * failure kind and message. Immutable.
 *
 * @param line the target line as the user wrote it
 * @param target the parsed target; empty when the line was not a valid target
 * @param session what the session told, on success
 * @param failure the failure kind ({@code TlsUpgradeException.Failure} name, or {@code INVALID_TARGET}) and message
 * @param total the time the whole probe took, closing included
 */
record ProbeResult(String line, Optional<Target> target, Optional<SessionFacts> session, Optional<Problem> failure,
        Duration total) {

    /** The failure kind used for a line that is not a target. */
    static final String INVALID_TARGET = "INVALID_TARGET";

    ProbeResult {
        Objects.requireNonNull(line, "line");
        if (session.isPresent() == failure.isPresent()) {
            throw new IllegalArgumentException("a result is either a session or a failure");
        }
    }

    /**
     * What a session said about itself.
     *
     * @param handshake empty after an opportunistic fallback to plaintext
     */
    record SessionFacts(Optional<Handshake> handshake, List<String> capabilities, UpgradeReport report) {
        SessionFacts {
            capabilities = List.copyOf(capabilities);
        }

        static SessionFacts of(TlsSession session, Duration connect) {
            return new SessionFacts(session.handshake(), session.capabilities(),
                    session.report().withConnect(connect));
        }
    }

    /** A failure kind and its message. */
    record Problem(String failure, String message) {
    }

    static ProbeResult success(Target target, SessionFacts facts, Duration total) {
        return new ProbeResult(target.line(), Optional.of(target), Optional.of(facts), Optional.empty(), total);
    }

    static ProbeResult failure(String line, Optional<Target> target, String failure, String message, Duration total) {
        return new ProbeResult(line, target, Optional.empty(), Optional.of(new Problem(failure, message)), total);
    }

    boolean ok() {
        return session.isPresent();
    }

    /** The peer's chain, leaf first; empty on failure or without TLS. */
    List<X509Certificate> chain() {
        return session.flatMap(SessionFacts::handshake).map(Handshake::peerCertificates).orElse(List.of());
    }

    /** Whether a certificate of the chain expires before {@code limit}. */
    boolean expiresBefore(Instant limit) {
        return chain().stream().anyMatch(c -> c.getNotAfter().toInstant().isBefore(limit));
    }
}
