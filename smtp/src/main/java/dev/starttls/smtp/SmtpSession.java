package dev.starttls.smtp;

import dev.starttls.Endpoint;
import dev.starttls.Handshake;
import dev.starttls.spi.ChannelSession;
import dev.starttls.UpgradeReport;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import dev.starttls.internal.Wire;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP connection after the upgrade: the TLS socket, its {@link Handshake}, the extensions the server announced
 * after TLS (RFC 3207 4.2: what it said before TLS is forgotten), and the commands needed to send mail.
 *
 * <pre>{@code
 * try (SmtpSession smtp = SmtpTls.upgrade(socket, "mail.example.com", policy)) {
 *     System.out.println(smtp.handshake().orElseThrow());
 *     if (smtp.authMechanisms().contains("PLAIN")) {
 *         smtp.authPlain("alice", password);
 *     }
 *     smtp.send("alice@example.com", List.of("bob@example.com"), "Subject: hi\r\n\r\nHello\r\n");
 * }   // close() sends QUIT
 * }</pre>
 *
 * <p>With an opportunistic policy and a server that did not offer (or refused) STARTTLS, the session is plaintext:
 * {@link #isTls()} is {@code false}, {@link #handshake()} is empty, and the AUTH methods refuse to send credentials.
 *
 * <p>Not thread-safe: one dialogue, one thread at a time.
 *
 * @since 0.1
 */
public final class SmtpSession extends ChannelSession {
    private final Map<String, String> extensions;
    private final String ehloName;

    SmtpSession(Channel channel, List<String> capabilities, UpgradeReport report, String ehloName) {
        super(channel, capabilities, report);
        this.extensions = Collections.unmodifiableMap(parseExtensions(capabilities));
        this.ehloName = ehloName;
    }

    /** Keywords (upper case) and their parameters from the keyword lines of an EHLO reply. */
    static Map<String, String> parseExtensions(List<String> keywordLines) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : keywordLines) {
            String[] keywordAndParameters = line.trim().split("\\s+", 2); // RFC 5321 4.1.1.1 ehlo-line
            String keyword = keywordAndParameters[0].toUpperCase(Locale.ROOT);
            if (!keyword.isEmpty()) {
                result.put(keyword, keywordAndParameters.length == 2 ? keywordAndParameters[1] : "");
            }
        }
        return result;
    }

    /** The EHLO keywords the server announced (after TLS, when TLS is on), upper case, in order. */
    public Set<String> extensions() {
        return extensions.keySet();
    }

    /** The parameters of an EHLO keyword ({@code "SIZE"} gives {@code "35882577"}), if the server announced it. */
    public Optional<String> extension(String keyword) {
        return Optional.ofNullable(extensions.get(keyword.toUpperCase(Locale.ROOT)));
    }

    /** The SASL mechanisms of the {@code AUTH} extension, upper case; empty if AUTH was not announced. */
    public List<String> authMechanisms() {
        String auth = extensions.get("AUTH");
        if (auth == null || auth.isBlank()) {
            return List.of();
        }
        List<String> mechanisms = new ArrayList<>();
        for (String m : auth.trim().split("\\s+")) {
            mechanisms.add(m.toUpperCase(Locale.ROOT));
        }
        return List.copyOf(mechanisms);
    }

    /** The name this client gave in EHLO (an address literal of the local end). */
    public String ehloName() {
        return ehloName;
    }

    /**
     * Sends one command line and returns the server's reply, whatever its code. On a plaintext session (opportunistic
     * fallback) an {@code AUTH} command is refused like {@link #authPlain}: credentials never go out in clear.
     *
     * @throws TlsUpgradeException {@code STARTTLS_NOT_OFFERED} for {@code AUTH} on a plaintext session (nothing is
     *     written)
     * @throws IllegalArgumentException if {@code line} contains CR, LF or NUL (nothing is written)
     */
    public SmtpReply command(String line) throws TlsUpgradeException {
        Wire.requireSafe("command", line);
        String verb = line.strip().split(" ", 2)[0];
        if (verb.equalsIgnoreCase("AUTH")) { // RFC 4954 4: the verb is case-insensitive
            channel().requireTlsForCredentials();
        }
        NumericReply reply = exchange(line);
        return new SmtpReply(reply.code(), reply.lines());
    }

    /**
     * AUTH PLAIN (RFC 4616). Refuses to run on a plaintext session.
     *
     * @throws TlsUpgradeException {@code REJECTED} if the server does not offer PLAIN or rejects the credentials
     */
    public void authPlain(String user, String password) throws TlsUpgradeException {
        Wire.requireSafe("user", user);
        Wire.requireSafe("password", password);
        channel().requireTlsForCredentials();
        requireMechanism("PLAIN");
        String token = base64("\0" + user + "\0" + password);
        expect(exchange("AUTH PLAIN " + token), 235, "AUTH PLAIN");
    }

    /**
     * AUTH LOGIN (the widespread non-standard mechanism). Refuses to run on a plaintext session.
     *
     * @throws TlsUpgradeException {@code REJECTED} if the server does not offer LOGIN or rejects the credentials
     */
    public void authLogin(String user, String password) throws TlsUpgradeException {
        Wire.requireSafe("user", user);
        Wire.requireSafe("password", password);
        channel().requireTlsForCredentials();
        requireMechanism("LOGIN");
        expect(exchange("AUTH LOGIN"), 334, "AUTH LOGIN");
        expect(exchange(base64(user)), 334, "AUTH LOGIN user name");
        expect(exchange(base64(password)), 235, "AUTH LOGIN password");
    }

    /**
     * Sends one message: MAIL FROM, RCPT TO for each recipient, DATA with the message (line endings normalised to
     * CRLF, lines starting with a dot doubled, RFC 5321 4.5.2), and the final dot. A message with 8-bit bytes (UTF-8)
     * is declared with {@code BODY=8BITMIME} (RFC 6152), UTF-8 addresses with {@code SMTPUTF8} (RFC 6531); a server
     * that does not offer the extension gets nothing at all.
     *
     * @param message the RFC 5322 message, headers and body
     * @return the server's reply to the final dot (often carrying a queue id)
     * @throws TlsUpgradeException {@code REJECTED} if the server refuses the sender, a recipient or the message, or
     *     does not offer the 8BITMIME / SMTPUTF8 the message needs (then nothing was sent and the session stays open)
     * @throws IllegalArgumentException if an address contains CR, LF or NUL, or there is no recipient
     */
    public SmtpReply send(String from, List<String> recipients, String message) throws TlsUpgradeException {
        Wire.requireSafe("from", from);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is required");
        }
        for (String r : recipients) {
            Wire.requireSafe("recipient", r);
        }
        byte[] data = dotStuffed(message);
        expect(exchange("MAIL FROM:<" + from + ">" + mailParameters(from, recipients, data)), 250, "MAIL FROM");
        for (String r : recipients) {
            NumericReply reply = exchange("RCPT TO:<" + r + ">");
            if (reply.code() != 250 && reply.code() != 251) {
                throw rejected("RCPT TO:<" + r + ">", reply);
            }
        }
        expect(exchange("DATA"), 354, "DATA");
        NumericReply done = expect(channel().closeOnFailure(() -> {
            channel().sendRaw(data);
            return channel().readNumericReply();
        }), 250, "end of DATA");
        return new SmtpReply(done.code(), done.lines());
    }

    /**
     * The MAIL FROM parameters the message needs: {@code BODY=8BITMIME} for 8-bit bytes (RFC 6152 3), plus
     * {@code SMTPUTF8} for non-ASCII addresses (RFC 6531 3.4); refused here, before MAIL FROM, when the server does not
     * offer them: sending 8-bit data undeclared is what RFC 5321 2.4 forbids.
     */
    private String mailParameters(String from, List<String> recipients, byte[] data) throws TlsUpgradeException {
        boolean utf8Addresses = !isAscii(from) || recipients.stream().anyMatch(r -> !isAscii(r));
        boolean eightBit = utf8Addresses || hasEightBitBytes(data);
        if (!eightBit) {
            return "";
        }
        requireExtension("8BITMIME", "the message has 8-bit bytes");
        if (!utf8Addresses) {
            return " BODY=8BITMIME";
        }
        requireExtension("SMTPUTF8", "an address is not ASCII");
        return " BODY=8BITMIME SMTPUTF8";
    }

    private void requireExtension(String keyword, String because) throws TlsUpgradeException {
        if (!extensions.containsKey(keyword)) {
            throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " does not offer " + keyword + " and "
                    + because + ": not sent (it offers " + extensions.keySet() + ")");
        }
    }

    private static boolean isAscii(String text) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(text);
    }

    private static boolean hasEightBitBytes(byte[] data) {
        for (byte b : data) {
            if ((b & 0x80) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Sends QUIT, reads the reply, and closes the connection. */
    public void quit() throws TlsUpgradeException {
        try {
            exchange("QUIT");
        } finally {
            channel().close();
        }
    }

    /** Sends QUIT (waiting briefly for the reply) if the session is still open, then closes the socket. */
    @Override
    public void close() {
        if (channel().isClosed()) {
            return;
        }
        try {
            channel().sendGoodbye("QUIT");
            NumericReply.read(channel().reader(), channel().closingDeadline(), 10);
        } catch (TlsUpgradeException ignored) {
            // closing anyway
        } finally {
            channel().close();
        }
    }

    /** Normalises line endings to CRLF, doubles leading dots, and appends the terminating {@code CRLF.CRLF}. */
    static byte[] dotStuffed(String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + text.length / 64 + 8);
        boolean lineStart = true;
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
                if (b == '\r' && i + 1 < text.length && text[i + 1] == '\n') {
                    i++;
                }
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private NumericReply exchange(String line) throws TlsUpgradeException {
        channel().requireOpen("SMTP");
        return channel().closeOnFailure(() -> {
            channel().send(line);
            return channel().readNumericReply();
        });
    }

    private NumericReply expect(NumericReply reply, int code, String step) throws TlsUpgradeException {
        if (reply.code() != code) {
            throw rejected(step, reply);
        }
        return reply;
    }

    private TlsUpgradeException rejected(String step, NumericReply reply) {
        return new TlsUpgradeException(Failure.REJECTED, channel().peer() + " rejected " + step + ": " + reply.text(),
                reply.text(), null);
    }

    private void requireMechanism(String mechanism) throws TlsUpgradeException {
        if (!authMechanisms().contains(mechanism)) {
            throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " does not offer AUTH " + mechanism
                    + " after TLS (it offers " + authMechanisms() + ")");
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SmtpSession{" + channel().peer() + ", " + (isTls() ? handshake().orElseThrow() : "plaintext")
                + ", extensions=" + extensions.keySet() + '}';
    }
}
