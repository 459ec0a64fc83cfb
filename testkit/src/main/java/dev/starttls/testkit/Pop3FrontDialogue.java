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

/** The server side of POP3 before STLS (RFC 2595 4): adds STLS to CAPA, refuses credentials in clear. */
final class Pop3FrontDialogue implements TlsFront.Dialogue {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Set<String> NEED_TLS = Set.of("USER", "PASS", "APOP", "AUTH");

    @Override
    public SSLSocket negotiate(LineReader client, LineReader backend, Upgrader upgrader) throws IOException {
        OutputStream toClient = client.socket().getOutputStream();
        OutputStream toBackend = backend.socket().getOutputStream();
        Wire.writeLine(toClient, backend.readLine(Deadline.after(IDLE))); // greeting
        while (true) {
            String command = client.readLine(Deadline.after(IDLE));
            String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (verb.equals("STLS")) {
                return upgrader.acceptUpgrade(client, "+OK Begin TLS negotiation");
            }
            if (NEED_TLS.contains(verb)) {
                Wire.writeLine(toClient, "-ERR [AUTH] TLS required: use STLS first");
                continue;
            }
            Wire.writeLine(toBackend, command);
            QuickAck.rearm(backend.socket());
            String status = backend.readLine(Deadline.after(IDLE));
            if (verb.equals("CAPA")) {
                StringBuilder capa = new StringBuilder("+OK Capability list follows\r\n");
                if (status.startsWith("+OK")) {
                    for (String line; !(line = backend.readLine(Deadline.after(IDLE))).equals(".");) {
                        capa.append(line).append("\r\n");
                    }
                }
                capa.append("STLS\r\n.");
                Wire.writeLine(toClient, capa.toString());
                continue;
            }
            Wire.writeLine(toClient, status);
            if (verb.equals("QUIT")) {
                return null;
            }
        }
    }
}
