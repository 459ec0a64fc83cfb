package dev.starttls.imap;

import dev.starttls.Handshake;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.TlsUpgradeException;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.ChannelSession;
import dev.starttls.internal.Wire;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * An IMAP connection after the upgrade: the TLS socket, its {@link Handshake}, the capabilities announced after TLS,
 * and the commands needed to read a message.
 *
 * <pre>{@code
 * try (ImapSession imap = ImapTls.connectImplicit("mail.example.com", 993, policy)) {
 *     imap.login("alice", password);
 *     int count = imap.select("INBOX");
 *     byte[] message = imap.fetch(1);
 * }   // close() sends LOGOUT
 * }</pre>
 *
 * <p>Not thread-safe.
 *
 * @since 0.1
 */
public final class ImapSession extends ChannelSession {
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$", Pattern.CASE_INSENSITIVE);

    private final Tags tags;

    ImapSession(Channel channel, List<String> capabilities, UpgradeReport report, Tags tags) {
        super(channel, capabilities, report);
        this.tags = tags;
    }

    /** Whether the server announced {@code capability} (after TLS when TLS is on), ignoring case. */
    public boolean hasCapability(String capability) {
        return capabilities().contains(capability.toUpperCase(Locale.ROOT));
    }

    /**
     * LOGIN with the user name and password as quoted strings, or as literals when they are not plain ASCII. Refuses
     * to run on a plaintext session or when the server announces {@code LOGINDISABLED}.
     *
     * @throws TlsUpgradeException {@code REJECTED} if the server refuses the credentials or disables LOGIN
     * @throws IllegalArgumentException if an argument contains CR, LF or NUL
     */
    public void login(String user, String password) throws TlsUpgradeException {
        Wire.requireSafe("user", user);
        Wire.requireSafe("password", password);
        channel().requireTlsForCredentials();
        if (hasCapability("LOGINDISABLED")) {
            throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " announces LOGINDISABLED after TLS: "
                    + "LOGIN is not allowed (capabilities " + capabilities() + ")");
        }
        String tag = tags.next();
        List<byte[]> literals = new ArrayList<>();
        String command = tag + " LOGIN " + astring(user, literals) + " " + astring(password, literals);
        expectOk(run(tag, command, literals), "LOGIN");
    }

    /**
     * SELECT: opens a mailbox and returns how many messages it holds. Names outside printable ASCII are sent in
     * modified UTF-7 (RFC 3501 5.1.3), as IMAP4rev1 servers expect.
     *
     * @throws TlsUpgradeException {@code REJECTED} if there is no such mailbox or it cannot be opened
     */
    public int select(String mailbox) throws TlsUpgradeException {
        Wire.requireSafe("mailbox", mailbox);
        String tag = tags.next();
        List<byte[]> literals = new ArrayList<>();
        Result result = run(tag, tag + " SELECT " + astring(modifiedUtf7(mailbox), literals), literals);
        expectOk(result, "SELECT");
        int exists = -1;
        for (ImapResponse r : result.untagged) {
            Matcher m = EXISTS.matcher(r.text());
            if (m.matches()) {
                // RFC 3501 4.2: a message count is a 32-bit number; this API counts in int
                String count = m.group(1);
                if (count.length() > 10 || Long.parseLong(count) > Integer.MAX_VALUE) {
                    throw fail(Failure.PROTOCOL, channel().peer() + " answered SELECT with a message count beyond "
                            + Integer.MAX_VALUE + ": " + r);
                }
                exists = Integer.parseInt(count);
            }
        }
        if (exists < 0) {
            throw fail(Failure.PROTOCOL, channel().peer() + " answered SELECT without an EXISTS count");
        }
        return exists;
    }

    /**
     * FETCH of a whole message ({@code BODY.PEEK[]}: the \Seen flag is left alone), bounded by the policy's maximum
     * message size.
     *
     * @throws TlsUpgradeException {@code REJECTED} for a bad message number, {@code LIMIT} for a literal too large
     */
    public byte[] fetch(int message) throws TlsUpgradeException {
        if (message < 1) {
            throw new IllegalArgumentException("message numbers start at 1: " + message);
        }
        String tag = tags.next();
        Result result = run(tag, tag + " FETCH " + message + " (BODY.PEEK[])", List.of());
        expectOk(result, "FETCH");
        for (ImapResponse r : result.untagged) {
            if (r.text().startsWith("* " + message + " FETCH") && !r.literals().isEmpty()) {
                return r.literals().get(0);
            }
        }
        throw fail(Failure.PROTOCOL, channel().peer() + " answered FETCH " + message + " without the message body");
    }

    /** LOGOUT, then closes the connection. */
    public void logout() throws TlsUpgradeException {
        try {
            String tag = tags.next();
            run(tag, tag + " LOGOUT", List.of());
        } finally {
            channel().close();
        }
    }

    /** Sends LOGOUT if still open (waiting briefly for the answer), then closes the socket. */
    @Override
    public void close() {
        if (channel().isClosed()) {
            return;
        }
        try {
            String tag = tags.next();
            channel().sendGoodbye(tag + " LOGOUT");
            ImapDialogue.readUntilTagged(channel(), tag, channel().closingDeadline(), null, true);
        } catch (TlsUpgradeException ignored) {
            // closing anyway
        } finally {
            channel().close();
        }
    }

    private record Result(ImapResponse tagged, List<ImapResponse> untagged) {
    }

    /**
     * Sends a command whose literals are marked by {@code {n}} at line ends, waiting for the server's continuation
     * before each literal (RFC 3501 7.5), then collects untagged responses until the tagged one.
     */
    private Result run(String tag, String command, List<byte[]> literals) throws TlsUpgradeException {
        channel().requireOpen("IMAP");
        return channel().closeOnFailure(() -> {
            String[] lines = command.split("\r\n", -1);
            List<ImapResponse> untagged = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    ImapResponse go = ImapDialogue.readUntilTagged(channel(), tag, channel().replyDeadline(), untagged, true);
                    if (!go.isContinuation()) {
                        return new Result(go, untagged); // refused before the literal
                    }
                    channel().sendRaw(literals.get(i - 1));
                }
                channel().sendRaw((lines[i] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            return new Result(ImapDialogue.readUntilTagged(channel(), tag, channel().replyDeadline(), untagged, false),
                    untagged);
        });
    }

    /**
     * An IMAP astring for {@code value}: a quoted string when it is printable ASCII, else a literal (its bytes are
     * added to {@code literals} and the marker ends the current line).
     */
    private static String astring(String value, List<byte[]> literals) {
        boolean printable = value.length() < 1000 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (printable) {
            return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        literals.add(bytes);
        return "{" + bytes.length + "}\r\n";
    }

    /** RFC 3501 5.1.3: printable ASCII as is ({@code &} as {@code &-}), other runs as {@code &}base64(UTF-16){@code -}. */
    static String modifiedUtf7(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int end = i;
            while (end < name.length() && (name.charAt(end) < 0x20 || name.charAt(end) > 0x7e)) {
                end++;
            }
            byte[] utf16 = name.substring(i, end).getBytes(StandardCharsets.UTF_16BE);
            String base64 = Base64.getEncoder().withoutPadding().encodeToString(utf16).replace('/', ',');
            out.append('&').append(base64).append('-');
            i = end;
        }
        return out.toString();
    }

    private void expectOk(Result result, String step) throws TlsUpgradeException {
        if (!result.tagged.status().equals("OK")) {
            throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " rejected " + step + ": "
                    + result.tagged, result.tagged.text(), null);
        }
    }

    private TlsUpgradeException fail(Failure failure, String message) {
        channel().close();
        return new TlsUpgradeException(failure, message);
    }

    @Override
    public String toString() {
        return "ImapSession{" + channel().peer() + ", " + (isTls() ? handshake().orElseThrow() : "plaintext") + ", capabilities="
                + capabilities() + '}';
    }
}
