package dev.starttls.testkit;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The server side of IMAP before STARTTLS (RFC 3501 6.2.1): adds STARTTLS and LOGINDISABLED to the capabilities,
 * advertises no AUTH= mechanism, refuses LOGIN and AUTHENTICATE in clear, and relays the rest.
 */
final class ImapFrontDialogue implements TlsFront.Dialogue {
    private static final Set<String> NEED_TLS = Set.of("LOGIN", "AUTHENTICATE");
    private static final String CAPABILITY = "CAPABILITY IMAP4REV1";

    @Override
    public SSLSocket negotiate(FrontConnection c) throws IOException {
        c.sendToClient(capabilitiesBeforeTls(c.readBackendLine(), c));
        while (true) {
            String command = c.readClientLine();
            String[] words = command.split(" ", 3);
            String tag = words[0];
            String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
            if (verb.equals("STARTTLS")) {
                SSLSocket tls = c.answerUpgrade(tag + " OK Begin TLS negotiation now",
                        tag + " NO [UNAVAILABLE] TLS not available", "* OK injected");
                if (tls != null) {
                    return tls;
                }
                continue;
            }
            if (NEED_TLS.contains(verb)) {
                c.sendToClient(tag + " NO [PRIVACYREQUIRED] TLS required: use STARTTLS first");
                continue;
            }
            c.sendToBackend(command);
            while (true) {
                String line = c.readBackendLine();
                c.sendToClient(capabilitiesBeforeTls(line, c));
                if (line.startsWith(tag + " ")) {
                    break;
                }
            }
            if (verb.equals("LOGOUT")) {
                return null;
            }
        }
    }

    /**
     * In a CAPABILITY response or response code: adds STARTTLS and LOGINDISABLED, and drops AUTH= mechanisms unless
     * GreenMail's behaviour is asked for. Other lines pass unchanged.
     */
    private static String capabilitiesBeforeTls(String line, FrontConnection c) {
        String upper = line.toUpperCase(Locale.ROOT);
        int at = upper.indexOf(CAPABILITY);
        if (at < 0 || upper.contains("STARTTLS")) {
            return line;
        }
        int insert = at + CAPABILITY.length();
        String rest = line.substring(insert);
        if (!c.authBeforeTls()) {
            rest = rest.replaceAll("(?i) AUTH=[^ \\]]+", "");
        }
        String added = c.is(Hostile.STRIP_STARTTLS) ? " LOGINDISABLED" : " STARTTLS LOGINDISABLED";
        return line.substring(0, insert) + added + rest;
    }
}
