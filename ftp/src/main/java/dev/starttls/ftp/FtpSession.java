package dev.starttls.ftp;

import dev.starttls.Endpoint;
import dev.starttls.Handshake;
import dev.starttls.TlsConnection;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.Upgrader;
import dev.starttls.internal.Failures;
import dev.starttls.internal.Wire;
import dev.starttls.spi.Channel;
import dev.starttls.spi.ChannelSession;
import dev.starttls.spi.NumericReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An FTP session over TLS: login, and files and listings over passive data connections that are TLS too ({@code PROT
 * P}), each verified against the control connection's host name and resuming the control connection's TLS session
 * (RFC 4217 10, as vsftpd's {@code require_ssl_reuse} and ProFTPD's default demand).
 *
 * <pre>{@code
 * try (FtpSession ftp = FtpTls.connect("ftp.example.com", 21, policy)) {
 *     ftp.login("alice", password);
 *     ftp.store(Path.of("report.csv"), "incoming/report.csv");
 *     try (InputStream in = ftp.retrieve("big.bin")) {   // ends only after close_notify and 226
 *         in.transferTo(out);
 *     }
 *     assert ftp.lastDataHandshake().orElseThrow().resumed();
 * }   // close() sends QUIT
 * }</pre>
 *
 * <p>Data connections are passive: {@code EPSV} first, {@code PASV} if the server refuses it; the address in a PASV
 * reply is ignored and the control connection's peer used instead. Transfers are binary ({@code TYPE I}, set at
 * login). One transfer at a time: close a stream before the next command. Not thread-safe.
 *
 * @since 0.1
 */
public final class FtpSession extends ChannelSession {
    private static final int PRELIMINARY_REPLIES = 3;

    private final boolean privateData;
    private boolean epsvRefused;
    private boolean transferOpen;
    private Handshake lastDataHandshake;

    FtpSession(Channel channel, List<String> capabilities, UpgradeReport report, boolean privateData) {
        super(channel, capabilities, report);
        this.privateData = privateData;
    }

    /** Whether data connections are TLS ({@code PROT P} accepted); {@code false} only after an explicit opt-in. */
    public boolean isDataPrivate() {
        return privateData;
    }

    /** The handshake of the latest TLS data connection: {@code resumed()} says it resumed the control session. */
    public Optional<Handshake> lastDataHandshake() {
        return Optional.ofNullable(lastDataHandshake);
    }

    /**
     * {@code USER} and {@code PASS} (RFC 959 4.1.1), then {@code TYPE I}. Refuses to run on a plaintext session.
     *
     * @throws TlsUpgradeException {@code REJECTED} if the server refuses the credentials
     */
    public void login(String user, String password) throws TlsUpgradeException {
        Wire.requireSafe("user", user);
        Wire.requireSafe("password", password);
        channel().requireTlsForCredentials();
        NumericReply reply = exchange("USER " + user);
        if (reply.code() == 331) {
            reply = exchange("PASS " + password);
        }
        if (reply.code() != 230 && reply.code() != 202) {
            throw rejected("login of " + user, reply);
        }
        expect(exchange("TYPE I"), 200, "TYPE I");
    }

    /**
     * Downloads {@code path}. The stream ends normally only after TLS {@code close_notify} on the data connection and
     * the server's {@code 226}; otherwise a read throws {@code CLOSED} (truncated) or {@code REJECTED} (the server
     * reported a failure). Close it before the next command.
     */
    public InputStream retrieve(String path) throws TlsUpgradeException {
        return open("RETR " + safe(path), "the download of " + path).input();
    }

    /** Downloads {@code path} into {@code target} (replaced only when the download completed); returns its size. */
    public long retrieve(String path, Path target) throws IOException {
        Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".ftp-", ".partial");
        try (InputStream in = retrieve(path)) {
            long size = Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return size;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Uploads to {@code path}: write the content, then close the stream, which waits for the server's {@code 226}. */
    public OutputStream store(String path) throws TlsUpgradeException {
        return open("STOR " + safe(path), "the upload of " + path).output();
    }

    /** Uploads {@code source} to {@code path}; returns the bytes sent. */
    public long store(Path source, String path) throws IOException {
        try (InputStream in = Files.newInputStream(source); OutputStream out = store(path)) {
            return in.transferTo(out);
        }
    }

    /** {@code LIST} of {@code path} (empty for the current directory): the server's lines, in its own format. */
    public List<String> list(String path) throws TlsUpgradeException {
        return lines(path.isEmpty() ? "LIST" : "LIST " + safe(path));
    }

    /** {@code MLSD} of {@code path} (empty for the current directory, RFC 3659 7): parsed entries. */
    public List<FtpEntry> mlsd(String path) throws TlsUpgradeException {
        List<FtpEntry> entries = new ArrayList<>();
        for (String line : lines(path.isEmpty() ? "MLSD" : "MLSD " + safe(path))) {
            entries.add(FtpEntry.parse(line));
        }
        return List.copyOf(entries);
    }

    /** {@code SIZE} (RFC 3659 4): the size of a file in bytes (in {@code TYPE I}). */
    public long size(String path) throws TlsUpgradeException {
        NumericReply reply = expect(exchange("SIZE " + safe(path)), 213, "SIZE " + path);
        try {
            return Long.parseLong(reply.lines().get(0).trim());
        } catch (NumberFormatException e) {
            throw reply.failure(Failure.PROTOCOL, "malformed SIZE reply from " + channel().peer() + ": "
                    + reply.text());
        }
    }

    /** {@code DELE}. */
    public void delete(String path) throws TlsUpgradeException {
        expect(exchange("DELE " + safe(path)), 250, "DELE " + path);
    }

    /** {@code MKD}. */
    public void mkdir(String path) throws TlsUpgradeException {
        expect(exchange("MKD " + safe(path)), 257, "MKD " + path);
    }

    /** {@code RNFR} then {@code RNTO}. */
    public void rename(String from, String to) throws TlsUpgradeException {
        safe(to);
        expect(exchange("RNFR " + safe(from)), 350, "RNFR " + from);
        expect(exchange("RNTO " + to), 250, "RNTO " + to);
    }

    /** Sends {@code QUIT}, reads the reply, and closes the connection. */
    public void quit() throws TlsUpgradeException {
        try {
            exchange("QUIT");
        } finally {
            channel().close();
        }
    }

    /** Sends {@code QUIT} (waiting briefly for the reply) if the session is still open, then closes the socket. */
    @Override
    public void close() {
        Channel channel = channel();
        if (channel.isClosed()) {
            return;
        }
        try {
            channel.sendGoodbye("QUIT");
            NumericReply.readRfc959(channel.reader(), channel.closingDeadline(), 10);
        } catch (TlsUpgradeException ignored) {
            // closing anyway
        } finally {
            channel.close();
        }
    }

    private List<String> lines(String command) throws TlsUpgradeException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long max = channel().policy().maxMessageSize();
        try (InputStream in = open(command, "the listing " + command).input()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (bytes.size() + n > max) {
                    throw new TlsUpgradeException(Failure.LIMIT, "the listing " + command + " from "
                            + channel().peer() + " is larger than " + max + " bytes");
                }
                bytes.write(buffer, 0, n);
            }
        } catch (TlsUpgradeException e) {
            throw e;
        } catch (IOException e) {
            throw Failures.of(e, "the listing " + command + " from " + channel().peer());
        }
        List<String> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return List.copyOf(lines);
    }

    /**
     * Opens a passive data connection, sends {@code command}, waits for the server's 1xx, then (with {@code PROT P})
     * completes a TLS handshake on the data connection that resumes the control session. A TLS failure on the data
     * connection (a certificate for another host, a server answering in clear) closes the whole session.
     */
    private DataConnection open(String command, String what) throws TlsUpgradeException {
        Channel channel = channel();
        channel.requireOpen("FTP");
        if (transferOpen) {
            throw new IllegalStateException("close the stream of the previous transfer before " + command);
        }
        int port = passivePort();
        // RFC 2577 / the PASV-redirect attack: data goes to the control connection's peer, whatever the reply said
        String address = channel.socket().getInetAddress().getHostAddress();
        Socket plain = Upgrader.of(channel.policy()).connectPlain(address, port);
        EofWatchingSocket watch = new EofWatchingSocket(plain);
        NumericReply preliminary;
        try {
            preliminary = exchange(command);
        } catch (TlsUpgradeException e) {
            Failures.closeQuietly(plain);
            throw e;
        }
        if (preliminary.code() >= 200) {
            Failures.closeQuietly(plain);
            throw rejected(command, preliminary);
        }
        Socket data = watch;
        Handshake handshake = null;
        if (privateData) {
            TlsConnection tls = channel.closeOnFailure(() -> Upgrader.of(channel.policy()).upgrade(watch,
                    dataEndpoint(channel.endpoint(), port)));
            data = tls.socket();
            handshake = tls.handshake();
            lastDataHandshake = handshake;
        }
        transferOpen = true;
        return new DataConnection(data, watch, handshake, what + " from " + channel.peer(),
                abandoned -> finishTransfer(command, abandoned));
    }

    /** The data connection verifies the same name as the control connection and resumes its session (RFC 4217 10). */
    static Endpoint dataEndpoint(Endpoint control, int dataPort) {
        return Endpoint.of(control.host(), dataPort).withServerName(control.verifiedName())
                .resumeAs(control.resumptionHost(), control.resumptionPort());
    }

    /** Reads the reply that ends a transfer; 226/250 unless the caller abandoned it. */
    private void finishTransfer(String command, boolean abandoned) throws TlsUpgradeException {
        transferOpen = false;
        NumericReply done = channel().closeOnFailure(() -> readFinal());
        if (!abandoned && done.code() != 226 && done.code() != 250) {
            throw rejected(command + " (transfer)", done);
        }
    }

    private NumericReply readFinal() throws TlsUpgradeException {
        NumericReply reply = channel().readRfc959Reply();
        for (int i = 0; reply.code() < 200 && i < PRELIMINARY_REPLIES; i++) {
            reply = channel().readRfc959Reply();
        }
        return reply;
    }

    private int passivePort() throws TlsUpgradeException {
        if (!epsvRefused) {
            NumericReply epsv = exchange("EPSV");
            if (epsv.code() == 229) {
                return PassiveReplies.epsvPort(epsv, channel().peer());
            }
            if (epsv.code() < 500) {
                throw rejected("EPSV", epsv);
            }
            epsvRefused = true; // RFC 2428 3: the server lacks EPSV (502); use PASV from now on
        }
        return PassiveReplies.pasvPort(expect(exchange("PASV"), 227, "PASV"), channel().peer());
    }

    private NumericReply exchange(String line) throws TlsUpgradeException {
        Channel channel = channel();
        channel.requireOpen("FTP");
        return channel.closeOnFailure(() -> {
            channel.send(line);
            return channel.readRfc959Reply();
        });
    }

    private NumericReply expect(NumericReply reply, int code, String step) throws TlsUpgradeException {
        if (reply.code() != code) {
            throw rejected(step, reply);
        }
        return reply;
    }

    private TlsUpgradeException rejected(String step, NumericReply reply) {
        return reply.failure(Failure.REJECTED, channel().peer() + " rejected " + step + ": " + reply.text());
    }

    private static String safe(String path) {
        return Wire.requireSafe("path", path);
    }
}
