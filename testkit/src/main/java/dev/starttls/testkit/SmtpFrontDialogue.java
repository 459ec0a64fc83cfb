package dev.starttls.testkit;

import dev.starttls.spi.NumericReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/** The server side of SMTP before STARTTLS (RFC 3207), relaying everything but STARTTLS to the backend. */
final class SmtpFrontDialogue implements TlsFront.Dialogue {
    private static final Set<String> NEED_TLS = Set.of("AUTH", "MAIL", "RCPT", "DATA");

    @Override
    public SSLSocket negotiate(FrontConnection c) throws IOException {
        forward(readBackendReply(c), c);
        while (true) {
            String command = c.readClientLine();
            String verb = verb(command);
            if (verb.equals("STARTTLS")) {
                SSLSocket tls = c.answerUpgrade("220 2.0.0 Ready to start TLS",
                        "454 4.7.0 TLS not available due to temporary reason", "250 injected.example");
                if (tls != null) {
                    return tls;
                }
                continue;
            }
            if (NEED_TLS.contains(verb)) {
                c.sendToClient("530 5.7.0 Must issue a STARTTLS command first");
                continue;
            }
            c.sendToBackend(command);
            NumericReply reply = readBackendReply(c);
            if (verb.equals("EHLO") && reply.code() == 250) {
                reply = new NumericReply(250, extensionsBeforeTls(reply.lines(), c));
            }
            forward(reply, c);
            if (verb.equals("QUIT")) {
                return null;
            }
        }
    }

    /**
     * The EHLO lines as a hardened submission server sends them before TLS: STARTTLS added and no AUTH (RFC 3207 5,
     * RFC 8314 advice: a client must not be invited to send credentials in clear).
     */
    private static List<String> extensionsBeforeTls(List<String> lines, FrontConnection c) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String keyword = verb(lines.get(i).replace('=', ' '));
            if (i == 0 || c.authBeforeTls() || !keyword.equals("AUTH")) {
                result.add(lines.get(i));
            }
        }
        if (!c.is(Hostile.STRIP_STARTTLS)) {
            result.add("STARTTLS");
        }
        return result;
    }

    private static NumericReply readBackendReply(FrontConnection c) throws IOException {
        return NumericReply.read(c.backend(), c.idleDeadline(), c.maxReplyLines());
    }

    private static String verb(String command) {
        int space = command.indexOf(' ');
        return (space < 0 ? command : command.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static void forward(NumericReply reply, FrontConnection c) throws IOException {
        c.sendToClient(reply.text().replace("\n", "\r\n"));
    }
}
