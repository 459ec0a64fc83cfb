package dev.starttls.testkit;

import dev.starttls.TlsUpgradeException.Failure;

/**
 * Ways the {@link TlsGreenMail} servers can misbehave on purpose, so a test can check how the code under test copes
 * with a stripped, refused, injected, badly certified, slow or silent server. Each switch names the
 * {@link Failure} kind this library's own clients ({@code SmtpTls}, {@code Pop3Tls}, {@code ImapTls}) report.
 *
 * <pre>{@code
 * mail.hostile(Hostile.STRIP_STARTTLS);      // new connections only; mail.hostile() switches back to normal
 * TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
 *         () -> SmtpTls.connect("localhost", mail.smtpPort(), mail.clientPolicy()));
 * assertEquals(Hostile.STRIP_STARTTLS.expectedFailure(), e.failure());
 * }</pre>
 *
 * <p>The first four act on the STARTTLS ports only; the certificate switches, {@link #DRIP} and {@link #STALL} act on
 * every TLS port. Enum constants are immutable and safe to share.
 *
 * @since 0.1
 */
public enum Hostile {
    /** The capabilities before TLS do not offer STARTTLS / STLS (a stripping attack, RFC 3207 6). */
    STRIP_STARTTLS(Failure.STARTTLS_NOT_OFFERED),
    /** The upgrade command is answered with a refusal ({@code 454}, {@code -ERR}, {@code NO}). */
    REFUSE_STARTTLS(Failure.STARTTLS_REFUSED),
    /** A plaintext line follows the go-ahead in the same write, before the handshake (CVE-2011-0411 in reverse). */
    INJECT_AFTER_GO_AHEAD(Failure.INJECTION),
    /** The server certificate, issued by the kit's CA, expired yesterday. */
    EXPIRED_CERTIFICATE(Failure.CERTIFICATE),
    /** The server certificate, issued by the kit's CA, is for {@code wrong-host.example} only. */
    WRONG_HOST_CERTIFICATE(Failure.CERTIFICATE),
    /** The server certificate, for {@code localhost}, is self-signed: no CA vouches for it. */
    SELF_SIGNED_CERTIFICATE(Failure.CERTIFICATE),
    /** Every byte to the client comes {@link #DRIP_INTERVAL_MILLIS} ms after the one before, forever. */
    DRIP(Failure.TIMEOUT),
    /** The connection is accepted and nothing is ever sent: no greeting, no handshake. */
    STALL(Failure.TIMEOUT);

    /** The pause between two bytes when dripping. */
    public static final int DRIP_INTERVAL_MILLIS = 100;

    private final Failure expectedFailure;

    Hostile(Failure expectedFailure) {
        this.expectedFailure = expectedFailure;
    }

    /** The failure kind this library's clients report against this switch (with finite timeouts for DRIP/STALL). */
    public Failure expectedFailure() {
        return expectedFailure;
    }
}
