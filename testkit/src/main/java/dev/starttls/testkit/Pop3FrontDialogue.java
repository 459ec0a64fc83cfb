package dev.starttls.testkit;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The server side of POP3 before STLS (RFC 2595 4): adds STLS to CAPA, advertises no SASL mechanism and refuses
 * credentials in clear.
 */
final class Pop3FrontDialogue implements TlsFront.Dialogue {
    private static final Set<String> NEED_TLS = Set.of("USER", "PASS", "APOP", "AUTH");

    @Override
    public SSLSocket negotiate(FrontConnection c) throws IOException {
        c.sendToClient(c.readBackendLine()); // greeting
        while (true) {
            String command = c.readClientLine();
            String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (verb.equals("STLS")) {
                SSLSocket tls = c.answerUpgrade("+OK Begin TLS negotiation", "-ERR TLS not available",
                        "+OK injected");
                if (tls != null) {
                    return tls;
                }
                continue;
            }
            if (NEED_TLS.contains(verb)) {
                c.sendToClient("-ERR [AUTH] TLS required: use STLS first");
                continue;
            }
            c.sendToBackend(command);
            String status = c.readBackendLine();
            if (verb.equals("CAPA")) {
                c.sendToClient(capabilitiesBeforeTls(status, c));
                continue;
            }
            c.sendToClient(status);
            if (verb.equals("QUIT")) {
                return null;
            }
        }
    }

    /** The backend's CAPA list with STLS added and, unless GreenMail's behaviour is asked for, without SASL. */
    private static String capabilitiesBeforeTls(String status, FrontConnection c) throws IOException {
        StringBuilder capa = new StringBuilder("+OK Capability list follows\r\n");
        if (status.startsWith("+OK")) {
            for (String line; !(line = c.readBackendLine()).equals(".");) {
                if (c.authBeforeTls() || !line.toUpperCase(Locale.ROOT).startsWith("SASL")) {
                    capa.append(line).append("\r\n");
                }
            }
        }
        if (!c.is(Hostile.STRIP_STARTTLS)) {
            capa.append("STLS\r\n");
        }
        return capa.append('.').toString();
    }
}
