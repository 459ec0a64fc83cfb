package dev.starttls.pop3;

import dev.starttls.Deadline;
import dev.starttls.Handshake;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.ChannelSession;
import dev.starttls.spi.NumericReply;
import dev.starttls.internal.Wire;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * A POP3 connection after the upgrade: the TLS socket, its {@link Handshake}, the capabilities announced after TLS,
 * and the commands needed to read mail.
 *
 * <pre>{@code
 * try (Pop3Session pop3 = Pop3Tls.connectImplicit("mail.example.com", 995, policy)) {
 *     pop3.login("alice", password);
 *     for (int n : pop3.list().keySet()) {
 *         byte[] message = pop3.retrieve(n);
 *     }
 * }   // close() sends QUIT
 * }</pre>
 *
 * <p>Not thread-safe.
 *
 * @since 0.1
 */
public final class Pop3Session extends ChannelSession {
    /** The answer to STAT: how many messages and how many octets in the maildrop. */
    public record Stat(int messages, long octets) {
    }


    Pop3Session(Channel channel, List<String> capabilities, UpgradeReport report) {
        super(channel, capabilities, report);
    }

    static boolean hasCapability(List<String> capabilities, String name) {
        for (String c : capabilities) {
            String first = c.trim().split("\\s+", 2)[0];
            if (first.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a capability (the first word of a CAPA line) was announced, ignoring case. */
    public boolean supports(String capability) {
        return hasCapability(capabilities(), capability);
    }

    /**
     * USER and PASS. Refuses to run on a plaintext session.
     *
     * @throws TlsUpgradeException {@code REJECTED} if the server refuses the user or the password
     */
    public void login(String user, String password) throws TlsUpgradeException {
        Wire.requireSafe("user", user);
        Wire.requireSafe("password", password);
        channel().requireTlsForCredentials();
        ok("USER " + user, "USER");
        ok("PASS " + password, "PASS");
    }

    /** STAT. */
    public Stat stat() throws TlsUpgradeException {
        String[] words = ok("STAT", "STAT").split(" ");
        try {
            return new Stat(Integer.parseInt(words[1]), Long.parseLong(words[2]));
        } catch (RuntimeException e) {
            throw protocol("STAT", String.join(" ", words));
        }
    }

    /** LIST: message number to size in octets, in the server's order. */
    public Map<Integer, Long> list() throws TlsUpgradeException {
        Deadline deadline = channel().replyDeadline(); // one for the whole reply, status and body
        ok("LIST", "LIST", deadline);
        String body = new String(channel().closeOnFailure(() -> Pop3Dialogue.readMultiLine(channel(), deadline)),
                StandardCharsets.ISO_8859_1);
        Map<Integer, Long> sizes = new LinkedHashMap<>();
        for (String line : body.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.trim().split("\\s+");
            try {
                sizes.put(Integer.parseInt(words[0]), Long.parseLong(words[1]));
            } catch (RuntimeException e) {
                throw protocol("LIST", line);
            }
        }
        return Collections.unmodifiableMap(sizes);
    }

    /**
     * RETR: the whole message, dot-unstuffed, lines ending in CRLF; bounded by the policy's maximum message size.
     *
     * @throws TlsUpgradeException {@code REJECTED} for no such message, {@code LIMIT} for a message too large
     */
    public byte[] retrieve(int message) throws TlsUpgradeException {
        Deadline deadline = channel().replyDeadline(); // one for the whole reply, status and body
        ok("RETR " + message, "RETR", deadline);
        return channel().closeOnFailure(() -> Pop3Dialogue.readMultiLine(channel(), deadline));
    }

    /** DELE: marks a message for deletion at QUIT. */
    public void delete(int message) throws TlsUpgradeException {
        ok("DELE " + message, "DELE");
    }

    /** QUIT (deletions take effect), then closes the connection. */
    public void quit() throws TlsUpgradeException {
        try {
            ok("QUIT", "QUIT");
        } finally {
            channel().close();
        }
    }

    /** Sends QUIT if still open (waiting briefly for the answer), then closes the socket. */
    @Override
    public void close() {
        if (channel().isClosed()) {
            return;
        }
        try {
            channel().sendGoodbye("QUIT");
            Pop3Dialogue.readStatus(channel(), channel().closingDeadline());
        } catch (TlsUpgradeException ignored) {
            // closing anyway
        } finally {
            channel().close();
        }
    }

    /** Sends a command, requires +OK, returns the status line. */
    private String ok(String command, String step) throws TlsUpgradeException {
        return ok(command, step, channel().replyDeadline());
    }

    /** Sends a command, requires +OK under {@code deadline} (which a multi-line body then shares). */
    private String ok(String command, String step, Deadline deadline) throws TlsUpgradeException {
        channel().requireOpen("POP3");
        String status = channel().closeOnFailure(() -> {
            channel().send(command);
            return Pop3Dialogue.readStatus(channel(), deadline);
        });
        if (!Pop3Dialogue.isOk(status)) {
            throw new TlsUpgradeException(Failure.REJECTED, channel().peer() + " rejected " + step + ": "
                    + NumericReply.quote(status), status, null);
        }
        return status;
    }

    private TlsUpgradeException protocol(String step, String line) {
        channel().close();
        return new TlsUpgradeException(Failure.PROTOCOL, channel().peer() + " sent a malformed " + step + " answer: "
                + NumericReply.quote(line));
    }

    @Override
    public String toString() {
        return "Pop3Session{" + channel().peer() + ", " + (isTls() ? handshake().orElseThrow() : "plaintext") + ", capabilities="
                + capabilities().stream().map(c -> c.split(" ")[0].toUpperCase(Locale.ROOT)).toList() + '}';
    }
}
