package dev.starttls.cli;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
import dev.starttls.ftp.FtpTls;
import dev.starttls.http.HttpTls;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpTls;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The URL schemes {@code starttls probe} understands: for each, its default port, whether TLS is implicit, and the
 * protocol module's entry point that secures a connected socket.
 */
enum Scheme {
    SMTP("smtp", 25, "STARTTLS", SmtpTls::upgrade),
    SMTPS("smtps", 465, Modes.IMPLICIT, SmtpTls::implicit),
    IMAP("imap", 143, "STARTTLS", ImapTls::upgrade),
    IMAPS("imaps", 993, Modes.IMPLICIT, ImapTls::implicit),
    POP3("pop3", 110, "STLS", Pop3Tls::upgrade),
    POP3S("pop3s", 995, Modes.IMPLICIT, Pop3Tls::implicit),
    FTP("ftp", 21, "AUTH TLS", FtpTls::upgrade),
    FTPS("ftps", 990, Modes.IMPLICIT, FtpTls::implicit),
    HTTPS("https", 443, Modes.IMPLICIT, HttpTls::implicit),
    /** RFC 2817 {@code Upgrade: TLS/1.0}: only with {@code --http-upgrade}, for the rare server that speaks it. */
    HTTP("http", 80, "RFC 2817 upgrade", HttpTls::upgrade);

    /** Holds the constant the enum constants use (they may not name a static field of their own enum). */
    private static final class Modes {
        static final String IMPLICIT = "implicit TLS";
    }

    /** Secures a socket connected to the server: STARTTLS or implicit TLS, verifying {@code name}. */
    @FunctionalInterface
    interface Opener {
        TlsSession open(Socket connected, String name, TlsPolicy policy) throws TlsUpgradeException;
    }

    private final String id;
    private final int defaultPort;
    private final String mode;
    private final Opener opener;

    Scheme(String id, int defaultPort, String mode, Opener opener) {
        this.id = id;
        this.defaultPort = defaultPort;
        this.mode = mode;
        this.opener = opener;
    }

    /** The scheme as written in a URL, such as {@code smtps}. */
    String id() {
        return id;
    }

    int defaultPort() {
        return defaultPort;
    }

    boolean isImplicit() {
        return mode.equals(Modes.IMPLICIT);
    }

    /** How TLS starts: {@code implicit TLS}, or the upgrade command ({@code STARTTLS}, {@code STLS}, {@code AUTH TLS}). */
    String mode() {
        return mode;
    }

    TlsSession open(Socket connected, String name, TlsPolicy policy) throws TlsUpgradeException {
        return opener.open(connected, name, policy);
    }

    static Optional<Scheme> forId(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.id.equals(lower)).findFirst();
    }

    /** {@code smtp://, smtps://, ...} for messages. */
    static String supported() {
        return Arrays.stream(values()).map(s -> s.id + "://").collect(Collectors.joining(", "));
    }
}
