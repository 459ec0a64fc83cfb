package dev.starttls;

import java.io.Closeable;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * A protocol session that was upgraded to TLS (or, in opportunistic mode only, fell back to plaintext), whatever the
 * protocol: {@code SmtpSession}, {@code Pop3Session}, {@code ImapSession}, {@code FtpSession}, {@code HttpSession}. A
 * command-line tool, a monitoring probe or a test can hold any of them through this type.
 *
 * <pre>{@code
 * try (TlsSession session = SmtpTls.connect("mail.example.com", 587, policy)) {
 *     System.out.println(session.handshake().orElseThrow());          // what TLS negotiated
 *     System.out.println(session.report().capabilitiesBeforeTls());  // what the server said in clear
 *     System.out.println(session.capabilities());                    // what it says inside TLS
 * }
 * }</pre>
 *
 * <p>Implementations are not thread-safe unless they say so; {@link #close()} may be called from any thread.
 *
 * @since 0.1
 */
public interface TlsSession extends Closeable {
    /** Whether the session runs over TLS; {@code false} only after an opportunistic fallback. */
    boolean isTls();

    /** What the TLS handshake negotiated; empty after an opportunistic fallback to plaintext. */
    Optional<Handshake> handshake();

    /** The socket the session runs on: the TLS socket, or the plain one after an opportunistic fallback. */
    Socket socket();

    /**
     * The TLS socket.
     *
     * @throws IllegalStateException if the session is not TLS
     */
    SSLSocket sslSocket();

    /** Who this session talks to: the host and port as the caller gave them, the verified name and SNI. */
    Endpoint endpoint();

    /**
     * What the server announces it supports (SMTP EHLO keywords, POP3 CAPA, IMAP CAPABILITY, FTP FEAT), as learned
     * inside TLS when the session is TLS; nothing learned in clear is kept.
     */
    List<String> capabilities();

    /** How the session came to be: capabilities seen in clear and the time each phase took. */
    UpgradeReport report();

    /** Ends the session politely (QUIT, LOGOUT) within a short bound, then closes the socket. Never throws. */
    @Override
    void close();
}
