package dev.starttls.testkit;

import dev.starttls.internal.QuickAck;
import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.Upgrader;
import dev.starttls.spi.NumericReply;
import dev.starttls.internal.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/** The server side of SMTP before STARTTLS (RFC 3207), relaying everything but STARTTLS to the backend. */
final class SmtpFrontDialogue implements TlsFront.Dialogue {
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Set<String> NEED_TLS = Set.of("AUTH", "MAIL", "RCPT", "DATA");

    @Override
    public SSLSocket negotiate(LineReader client, LineReader backend, Upgrader upgrader) throws IOException {
        OutputStream toClient = client.socket().getOutputStream();
        OutputStream toBackend = backend.socket().getOutputStream();
        int maxLines = upgrader.policy().maxReplyLines();
        forward(NumericReply.read(backend, Deadline.after(IDLE), maxLines), toClient);
        while (true) {
            String command = client.readLine(Deadline.after(IDLE));
            String verb = verb(command);
            if (verb.equals("STARTTLS")) {
                return upgrader.acceptUpgrade(client, "220 2.0.0 Ready to start TLS");
            }
            if (NEED_TLS.contains(verb)) {
                Wire.writeLine(toClient, "530 5.7.0 Must issue a STARTTLS command first");
                continue;
            }
            Wire.writeLine(toBackend, command);
            QuickAck.rearm(backend.socket());
            NumericReply reply = NumericReply.read(backend, Deadline.after(IDLE), maxLines);
            if ((verb.equals("EHLO")) && reply.code() == 250) {
                List<String> lines = new ArrayList<>(reply.lines());
                lines.add("STARTTLS");
                reply = new NumericReply(250, lines);
            }
            forward(reply, toClient);
            if (verb.equals("QUIT")) {
                return null;
            }
        }
    }

    private static String verb(String command) {
        int space = command.indexOf(' ');
        return (space < 0 ? command : command.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static void forward(NumericReply reply, OutputStream out) throws IOException {
        byte[] bytes = (reply.text().replace("\n", "\r\n") + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.write(bytes);
        out.flush();
    }
}
