package dev.starttls.testkit;

import dev.starttls.internal.QuickAck;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.Upgrader;
import dev.starttls.internal.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The server side of IMAP before STARTTLS (RFC 3501 6.2.1): adds STARTTLS and LOGINDISABLED to the capabilities,
 * refuses LOGIN and AUTHENTICATE in clear, and relays the rest.
 */
final class ImapFrontDialogue implements TlsFront.Dialogue {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Set<String> NEED_TLS = Set.of("LOGIN", "AUTHENTICATE");

    @Override
    public SSLSocket negotiate(LineReader client, LineReader backend, Upgrader upgrader) throws IOException {
        OutputStream toClient = client.socket().getOutputStream();
        OutputStream toBackend = backend.socket().getOutputStream();
        Wire.writeLine(toClient, addToCapabilities(backend.readLine(Deadline.after(IDLE))));
        while (true) {
            String command = client.readLine(Deadline.after(IDLE));
            String[] words = command.split(" ", 3);
            String tag = words[0];
            String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
            if (verb.equals("STARTTLS")) {
                return upgrader.acceptUpgrade(client, tag + " OK Begin TLS negotiation now");
            }
            if (NEED_TLS.contains(verb)) {
                Wire.writeLine(toClient, tag + " NO [PRIVACYREQUIRED] TLS required: use STARTTLS first");
                continue;
            }
            Wire.writeLine(toBackend, command);
            while (true) {
                QuickAck.rearm(backend.socket());
                String line = backend.readLine(Deadline.after(IDLE));
                Wire.writeLine(toClient, addToCapabilities(line));
                if (line.startsWith(tag + " ")) {
                    break;
                }
            }
            if (verb.equals("LOGOUT")) {
                return null;
            }
        }
    }

    /** Adds STARTTLS and LOGINDISABLED to a CAPABILITY response or response code, if the line has one. */
    private static String addToCapabilities(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        int at = upper.indexOf("CAPABILITY IMAP4REV1");
        if (at < 0 || upper.contains("STARTTLS")) {
            return line;
        }
        int insert = at + "CAPABILITY IMAP4REV1".length();
        return line.substring(0, insert) + " STARTTLS LOGINDISABLED" + line.substring(insert);
    }
}
