package dev.starttls.cli;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsSession;
import dev.starttls.TlsUpgradeException;
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
 * protocol module's entry point that secures a connected socket. FTP and HTTPS join this table when their modules do.
 */
enum Scheme {
    SMTP("smtp", 25, false, SmtpTls::upgrade),
    SMTPS("smtps", 465, true, SmtpTls::implicit),
    IMAP("imap", 143, false, ImapTls::upgrade),
    IMAPS("imaps", 993, true, ImapTls::implicit),
    POP3("pop3", 110, false, Pop3Tls::upgrade),
    POP3S("pop3s", 995, true, Pop3Tls::implicit);

    /** Secures a socket connected to the server: STARTTLS or implicit TLS, verifying {@code name}. */
    @FunctionalInterface
    interface Opener {
        TlsSession open(Socket connected, String name, TlsPolicy policy) throws TlsUpgradeException;
    }

    private final String id;
    private final int defaultPort;
    private final boolean implicit;
    private final Opener opener;

    Scheme(String id, int defaultPort, boolean implicit, Opener opener) {
        this.id = id;
        this.defaultPort = defaultPort;
        this.implicit = implicit;
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
        return implicit;
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
