package dev.starttls.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The floor: the same plaintext dialogue as the library's probe, written straight on a socket with
 * {@code TCP_NODELAY}, one write per command, and a bare {@link SSLSocket} handshake with host name verification and
 * SNI. Optionally re-arms {@code TCP_QUICKACK} before every read ({@link QuickAckSocket}), which is what the library
 * adds; without it this is what any careful JSSE client does. Instances are immutable and safe to share.
 */
final class Floor {
    private final SSLContext context;
    private final String[] protocols;
    private final boolean quickAck;

    Floor(SSLContext context, List<String> protocols, boolean quickAck) {
        this.context = context;
        this.protocols = protocols.toArray(String[]::new);
        this.quickAck = quickAck;
    }

    /** Connect, plaintext dialogue, upgrade, capabilities again; the returned session says goodbye on close. */
    Session startTls(Protocol protocol, String host, int port) throws IOException {
        Socket plain = connect(host, port);
        try {
            Lines clear = new Lines(plain);
            protocol.greeting(clear);
            protocol.capabilities(clear, 1);
            protocol.requestUpgrade(clear);
            Lines tls = new Lines(handshake(plain, host, port));
            protocol.capabilities(tls, 3);
            protocol.afterTls(tls);
            return new Session(protocol, tls);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Connect, handshake at once, greeting and capabilities. */
    Session implicit(Protocol protocol, String host, int port) throws IOException {
        Socket plain = connect(host, port);
        try {
            Lines tls = new Lines(handshake(plain, host, port));
            protocol.greeting(tls);
            protocol.capabilities(tls, 1);
            protocol.afterTls(tls);
            return new Session(protocol, tls);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** A bare TLS connection (implicit TLS, no dialogue), for the throughput test. */
    SSLSocket connectTls(String host, int port) throws IOException {
        Socket plain = connect(host, port);
        try {
            return handshake(plain, host, port);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private Socket connect(String host, int port) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(host, port), 10_000);
        plain.setSoTimeout(10_000);
        return quickAck ? new QuickAckSocket(plain) : plain;
    }

    private SSLSocket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(host)));
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /** An upgraded floor connection; {@link #close()} sends the protocol's goodbye and closes. */
    static final class Session implements AutoCloseable {
        private final Protocol protocol;
        private final Lines lines;

        Session(Protocol protocol, Lines lines) {
            this.protocol = protocol;
            this.lines = lines;
        }

        SSLSocket socket() {
            return (SSLSocket) lines.socket;
        }

        @Override
        public void close() throws IOException {
            try (Socket s = lines.socket) {
                protocol.goodbye(lines);
            }
        }
    }

    /** The four dialogues, as the library's protocol modules speak them. */
    enum Protocol {
        SMTP(Replies.NUMERIC, "EHLO localhost", "STARTTLS", "220", "QUIT"),
        IMAP(Replies.TAGGED, "CAPABILITY", "STARTTLS", "OK", "LOGOUT"),
        POP3(Replies.STATUS, "CAPA", "STLS", "+OK", "QUIT"),
        FTP(Replies.NUMERIC, "FEAT", "AUTH TLS", "234", "QUIT");

        /** How a protocol ends a reply: RFC 5321/959 "ddd text", an IMAP tagged line, a POP3 status line. */
        private enum Replies { NUMERIC, TAGGED, STATUS }

        private final Replies replies;
        private final String capabilityCommand;
        private final String upgradeCommand;
        private final String goAhead;
        private final String goodbyeCommand;

        Protocol(Replies replies, String capabilityCommand, String upgradeCommand, String goAhead,
                String goodbyeCommand) {
            this.replies = replies;
            this.capabilityCommand = capabilityCommand;
            this.upgradeCommand = upgradeCommand;
            this.goAhead = goAhead;
            this.goodbyeCommand = goodbyeCommand;
        }

        void greeting(Lines lines) throws IOException {
            switch (replies) {
                case NUMERIC:
                    lines.numericReply();
                    break;
                case TAGGED:
                    lines.expect(lines.line(), "* OK");
                    break;
                default:
                    lines.expect(lines.line(), "+OK");
            }
        }

        void capabilities(Lines lines, int tag) throws IOException {
            String reply = exchange(lines, tag, capabilityCommand);
            if (replies == Replies.STATUS && reply.startsWith("+OK")) {
                while (!lines.line().equals(".")) {
                    // RFC 2449: the capability list ends with a lone dot
                }
            }
        }

        void requestUpgrade(Lines lines) throws IOException {
            lines.expect(exchange(lines, 2, upgradeCommand), replies == Replies.TAGGED ? "a2 " + goAhead : goAhead);
        }

        void afterTls(Lines lines) throws IOException {
            if (this == FTP) {
                lines.expect(exchange(lines, 4, "PBSZ 0"), "200"); // RFC 4217 §9
                lines.expect(exchange(lines, 5, "PROT P"), "200");
            }
        }

        void goodbye(Lines lines) throws IOException {
            exchange(lines, 9, goodbyeCommand);
        }

        /** Sends {@code command} (IMAP: tagged {@code a<tag>}) and returns the reply's last line. */
        private String exchange(Lines lines, int tag, String command) throws IOException {
            switch (replies) {
                case NUMERIC:
                    lines.send(command);
                    return lines.numericReply();
                case TAGGED:
                    lines.send("a" + tag + " " + command);
                    return lines.tagged("a" + tag);
                default:
                    lines.send(command);
                    return lines.line();
            }
        }
    }

    /** Line I/O on one socket: buffered reads (never a byte at a time), one write and flush per command. */
    static final class Lines {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Lines(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit < 0) {
                        throw new IOException("closed by the server");
                    }
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
        }

        /** An SMTP/FTP reply (RFC 5321 §4.2.1, RFC 959 §4.2): its last line, "ddd text". */
        String numericReply() throws IOException {
            while (true) {
                String line = line();
                if (line.length() >= 3 && Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(2))
                        && (line.length() == 3 || line.charAt(3) == ' ')) {
                    return line;
                }
            }
        }

        /** An IMAP tagged completion, after any untagged lines. */
        String tagged(String tag) throws IOException {
            while (true) {
                String line = line();
                if (line.startsWith(tag + " ")) {
                    return line;
                }
            }
        }

        void expect(String line, String prefix) throws IOException {
            if (!line.startsWith(prefix)) {
                throw new IOException("expected " + prefix + ", got: " + line);
            }
            if (position != limit) {
                throw new IOException("bytes pending after the go-ahead");
            }
        }
    }
}
