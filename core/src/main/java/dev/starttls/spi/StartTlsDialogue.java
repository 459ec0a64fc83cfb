package dev.starttls.spi;

import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.UpgradeReport;
import java.util.List;
import java.util.Optional;

/**
 * What one protocol supplies to the one STARTTLS procedure ({@link StartTls}): how to read its greeting, how to ask
 * for its capabilities, what counts as offering the upgrade, how to ask for it and classify the answer, and how to
 * make the session. Everything else (the required-versus-opportunistic rule, injection checks, the handshake, reading
 * capabilities again inside TLS, closing on failure, wrong-mode hints) is the procedure's, written once.
 *
 * <pre>{@code
 * final class ToyDialogue implements StartTlsDialogue<ToySession> {
 *     public String protocol() { return "TOY"; }
 *     public String upgradeCommand() { return "STARTTLS"; }
 *     public int implicitPort() { return 9993; }
 *     public Optional<String> readGreeting(Channel c) throws TlsUpgradeException { ... return Optional.empty(); }
 *     public List<String> capabilities(Channel c) throws TlsUpgradeException { c.send("CAPS"); ... }
 *     public boolean offersUpgrade(List<String> caps) { return caps.contains("STARTTLS"); }
 *     public UpgradeAnswer requestUpgrade(Channel c) throws TlsUpgradeException { c.send("STARTTLS"); ... }
 *     public ToySession session(Channel c, List<String> caps, UpgradeReport r) { return new ToySession(c, caps, r); }
 * }
 * ToySession s = StartTls.upgrade(socket, Endpoint.of(host, port), policy, new ToyDialogue());
 * }</pre>
 *
 * <p>A dialogue instance serves one connection and may keep state for it (an IMAP tag counter, the EHLO name). Part of
 * the SPI for protocol modules, not for application code.
 *
 * @param <S> the protocol's session type
 * @since 0.1
 */
public interface StartTlsDialogue<S extends TlsSession> {
    /** The protocol's name for messages: {@code "SMTP"}. */
    String protocol();

    /** The upgrade command's name for messages: {@code "STARTTLS"}, {@code "STLS"}, {@code "AUTH TLS"}. */
    String upgradeCommand();

    /** The protocol's implicit-TLS port (465, 995, 993, 990, 443), named in wrong-mode hints. */
    int implicitPort();

    /**
     * Reads the server's greeting (in clear, or inside implicit TLS).
     *
     * @return why the greeting itself rules out an upgrade (an IMAP {@code PREAUTH}), or empty
     * @throws TlsUpgradeException {@code REJECTED} for a refusing greeting, {@code PROTOCOL} for a malformed one
     */
    Optional<String> readGreeting(Channel channel) throws TlsUpgradeException;

    /**
     * Asks for the server's capabilities; called in clear before the upgrade and again inside TLS (RFC 3207 4.2 and
     * its siblings: nothing learned in clear is kept).
     */
    List<String> capabilities(Channel channel) throws TlsUpgradeException;

    /**
     * The server's answer that carried {@code capabilities}, as sent, for {@link TlsUpgradeException#reply()} when
     * the upgrade was not offered; by default the capabilities one per line.
     */
    default String capabilitiesReply(List<String> capabilities) {
        return String.join("\n", capabilities);
    }

    /** Whether {@code capabilities} (as learned in clear) offer the upgrade. */
    boolean offersUpgrade(List<String> capabilities);

    /** Sends the upgrade command and classifies the answer; a malformed answer is {@code PROTOCOL}. */
    UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException;

    /** What the protocol does inside TLS before asking for capabilities again (FTP: PBSZ 0, PROT P). */
    default void afterHandshake(Channel tls) throws TlsUpgradeException {
    }

    /**
     * The session on {@code channel}: TLS, or plaintext after an opportunistic fallback ({@code channel.isTls()}).
     *
     * @param capabilities what the server announced on this channel (inside TLS when it is TLS)
     */
    S session(Channel channel, List<String> capabilities, UpgradeReport report) throws TlsUpgradeException;
}
