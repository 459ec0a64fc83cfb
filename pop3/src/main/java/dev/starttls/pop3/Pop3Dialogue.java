package dev.starttls.pop3;

import dev.starttls.Deadline;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import dev.starttls.spi.StartTlsDialogue;
import dev.starttls.spi.UpgradeAnswer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** POP3's part of the STARTTLS procedure (RFC 2595 4: CAPA, STLS), and the reply reading every POP3 command shares. */
final class Pop3Dialogue implements StartTlsDialogue<Pop3Session> {
    @Override
    public String protocol() {
        return "POP3";
    }

    @Override
    public String upgradeCommand() {
        return "STLS";
    }

    @Override
    public int implicitPort() {
        return Pop3Tls.POP3S_PORT;
    }

    @Override
    public Optional<String> readGreeting(Channel channel) throws TlsUpgradeException {
        String greeting = readStatus(channel, channel.replyDeadline());
        if (!isOk(greeting)) {
            throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused the session in its greeting: "
                    + NumericReply.quote(greeting), greeting, null);
        }
        return Optional.empty();
    }

    /** CAPA (RFC 2449); a server that answers {@code -ERR} has no capabilities, STLS included. */
    @Override
    public List<String> capabilities(Channel channel) throws TlsUpgradeException {
        channel.send("CAPA");
        Deadline deadline = channel.replyDeadline();
        if (!isOk(readStatus(channel, deadline))) {
            return List.of();
        }
        List<String> capabilities = new ArrayList<>();
        while (true) {
            String line = channel.readLine(deadline);
            if (line.equals(".")) {
                return List.copyOf(capabilities);
            }
            if (capabilities.size() == channel.policy().maxReplyLines()) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent more than "
                        + channel.policy().maxReplyLines() + " CAPA lines");
            }
            capabilities.add(line.startsWith("..") ? line.substring(1) : line);
        }
    }

    @Override
    public boolean offersUpgrade(List<String> capabilities) {
        return Pop3Session.hasCapability(capabilities, "STLS");
    }

    /** RFC 2595 4: {@code +OK} is the go-ahead, {@code -ERR} the refusal. */
    @Override
    public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
        plain.send("STLS");
        String answer = readStatus(plain, plain.replyDeadline());
        return isOk(answer) ? UpgradeAnswer.goAhead() : UpgradeAnswer.refused(answer, -1);
    }

    @Override
    public Pop3Session session(Channel channel, List<String> capabilities, UpgradeReport report) {
        return new Pop3Session(channel, capabilities, report);
    }

    /** Reads a status line; anything but {@code +OK} / {@code -ERR} is a protocol failure. */
    static String readStatus(Channel channel, Deadline deadline) throws TlsUpgradeException {
        String line = channel.readLine(deadline);
        if (!isOk(line) && !line.equals("-ERR") && !line.startsWith("-ERR ")) {
            throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " sent " + NumericReply.quote(line)
                    + " where a POP3 status (+OK / -ERR) was expected", line, null);
        }
        return line;
    }

    static boolean isOk(String status) {
        return status.equals("+OK") || status.startsWith("+OK ");
    }

    /**
     * Reads the body of a multi-line response up to the terminating dot, undoing dot-stuffing, as CRLF-terminated
     * lines; refuses more than the policy's maximum message size. The whole body shares {@code deadline}: a server
     * dripping one line at a time cannot stretch it.
     */
    static byte[] readMultiLine(Channel channel, Deadline deadline) throws TlsUpgradeException {
        long max = channel.policy().maxMessageSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        while (true) {
            String line = channel.readLine(deadline);
            if (line.equals(".")) {
                return out.toByteArray();
            }
            byte[] bytes = (line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1);
            if (out.size() + bytes.length + 2 > max) {
                throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent a multi-line response larger "
                        + "than " + max + " bytes");
            }
            out.write(bytes, 0, bytes.length);
            out.write('\r');
            out.write('\n');
        }
    }
}
