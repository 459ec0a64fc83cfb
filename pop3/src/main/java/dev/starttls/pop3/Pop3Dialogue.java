package dev.starttls.pop3;

import dev.starttls.Deadline;
import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Channel;
import dev.starttls.internal.NumericReply;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/** The plaintext part of POP3 up to the switch (RFC 2595 4), and the reply reading every POP3 command shares. */
final class Pop3Dialogue {
    private Pop3Dialogue() {
    }

    static Pop3Session startTls(Socket socket, String host, TlsPolicy policy) throws TlsUpgradeException {
        Channel plain = Channel.open(socket, policy, host, socket.getPort());
        return plain.closeOnFailure(() -> {
            expectGreeting(plain);
            List<String> capabilities = capa(plain);
            if (!Pop3Session.hasCapability(capabilities, "STLS")) {
                if (policy.isOpportunistic()) {
                    return new Pop3Session(plain, null, capabilities);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED, plain.peer() + " did not offer STLS in "
                        + "its CAPA reply (possible STARTTLS stripping); TLS is required by the policy",
                        String.join("\n", capabilities), null);
            }
            plain.send("STLS");
            String goAhead = readStatus(plain, plain.replyDeadline());
            if (!isOk(goAhead)) {
                if (policy.isOpportunistic() && goAhead.startsWith("-ERR")) {
                    return new Pop3Session(plain, null, capabilities);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_REFUSED, plain.peer() + " refused STLS: "
                        + NumericReply.quote(goAhead), goAhead, null);
            }
            return afterHandshake(plain.startTls());
        });
    }

    static Pop3Session implicit(SSLSocket tls, String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        Channel channel = Channel.open(tls, policy, host, port);
        return channel.closeOnFailure(() -> {
            expectGreeting(channel);
            return afterHandshake(channel);
        });
    }

    /** RFC 2595 4: the client must discard what it learned before TLS and ask again. */
    private static Pop3Session afterHandshake(Channel channel) throws TlsUpgradeException {
        return channel.closeOnFailure(() -> {
            Handshake handshake = channel.tlsHandshake();
            return new Pop3Session(channel, handshake, capa(channel));
        });
    }

    private static void expectGreeting(Channel channel) throws TlsUpgradeException {
        String greeting = readStatus(channel, channel.replyDeadline());
        if (!isOk(greeting)) {
            throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused the session in its greeting: "
                    + NumericReply.quote(greeting), greeting, null);
        }
    }

    /** CAPA (RFC 2449); a server that answers {@code -ERR} has no capabilities, STLS included. */
    private static List<String> capa(Channel channel) throws TlsUpgradeException {
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
     * lines; refuses more than the policy's maximum message size. Each line gets its own deadline, so a large
     * download that keeps arriving is not cut off, while a server that stops is.
     */
    static byte[] readMultiLine(Channel channel) throws TlsUpgradeException {
        long max = channel.policy().maxMessageSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        while (true) {
            String line = channel.readLine(channel.replyDeadline());
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
