package dev.starttls.bench;

import dev.starttls.TlsPolicy;
import dev.starttls.boringssl.BoringSsl;
import dev.starttls.ftp.FtpTls;
import dev.starttls.imap.ImapTls;
import dev.starttls.pop3.Pop3Tls;
import dev.starttls.smtp.SmtpTls;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.imap.IMAPSClient;
import org.apache.commons.net.pop3.POP3SClient;
import org.apache.commons.net.smtp.SMTPSClient;

/**
 * Who is measured in one scenario (protocol and mode against one target): this library (with JSSE, and with the
 * optional BoringSSL provider where it loads), Commons Net 3.12 (host name
 * verification on; capabilities before and after {@code execTLS}), Angus Mail (SMTP only: its IMAP and POP3 stores
 * log in as part of {@code connect}), the bare JSSE floor, and the floor with {@code TCP_QUICKACK} re-armed.
 * Each probe's timed part ends when the capabilities after TLS have arrived; the goodbye is not timed.
 */
final class Contestants {
    static final String LIBRARY = "starttls-java";
    static final String LIBRARY_BORINGSSL = "starttls-java on BoringSSL";
    static final String COMMONS_NET = "Commons Net 3.12";
    static final String ANGUS = "Angus Mail 2.0";
    static final String FLOOR = "JSSE floor";
    static final String FLOOR_QUICKACK = "JSSE floor + QuickAck";

    /** One timed operation: opens an upgraded connection; closing it is not timed. */
    @FunctionalInterface
    interface Probe {
        AutoCloseable open() throws Exception;
    }

    record Contestant(String name, Probe probe) {
    }

    private Contestants() {
    }

    static List<Contestant> forScenario(Target target, Floor.Protocol protocol, boolean implicit) {
        String service = protocol.name().toLowerCase() + (implicit ? "s" : "");
        int port = target.ports().get(service);
        String host = target.host();
        TlsPolicy policy = target.policy();
        Floor floor = new Floor(target.bareContext(), target.protocols(), false);
        Floor quickFloor = new Floor(target.bareContext(), target.protocols(), true);
        List<Contestant> all = new ArrayList<>();
        all.add(new Contestant(LIBRARY, () -> library(protocol, implicit, host, port, policy)));
        if (BoringSsl.isAvailable()) {
            TlsPolicy boring = policy.newBuilder().provider(BoringSsl.provider()).build();
            all.add(new Contestant(LIBRARY_BORINGSSL, () -> library(protocol, implicit, host, port, boring)));
        }
        all.add(new Contestant(COMMONS_NET, () -> commonsNet(protocol, implicit, target, port)));
        if (protocol == Floor.Protocol.SMTP) {
            all.add(new Contestant(ANGUS, () -> angus(implicit, target, port)));
        }
        all.add(new Contestant(FLOOR, implicit ? () -> floor.implicit(protocol, host, port)
                : () -> floor.startTls(protocol, host, port)));
        all.add(new Contestant(FLOOR_QUICKACK, implicit ? () -> quickFloor.implicit(protocol, host, port)
                : () -> quickFloor.startTls(protocol, host, port)));
        return all;
    }

    static AutoCloseable library(Floor.Protocol protocol, boolean implicit, String host, int port, TlsPolicy policy)
            throws IOException {
        switch (protocol) {
            case SMTP:
                return implicit ? SmtpTls.connectImplicit(host, port, policy) : SmtpTls.connect(host, port, policy);
            case IMAP:
                return implicit ? ImapTls.connectImplicit(host, port, policy) : ImapTls.connect(host, port, policy);
            case POP3:
                return implicit ? Pop3Tls.connectImplicit(host, port, policy) : Pop3Tls.connect(host, port, policy);
            default:
                return implicit ? FtpTls.connectImplicit(host, port, policy) : FtpTls.connect(host, port, policy);
        }
    }

    private static AutoCloseable commonsNet(Floor.Protocol protocol, boolean implicit, Target target, int port)
            throws IOException {
        String[] protocols = target.protocols().toArray(String[]::new);
        switch (protocol) {
            case SMTP: {
                SMTPSClient smtp = new SMTPSClient(implicit, target.bareContext());
                smtp.setEndpointCheckingEnabled(true);
                smtp.setEnabledProtocols(protocols);
                smtp.connect(target.host(), port);
                require(smtp.sendCommand("EHLO", "localhost") / 100 == 2, "EHLO", smtp.getReplyString());
                if (!implicit) {
                    require(smtp.execTLS(), "STARTTLS", smtp.getReplyString());
                    require(smtp.sendCommand("EHLO", "localhost") / 100 == 2, "EHLO after TLS", smtp.getReplyString());
                }
                return () -> {
                    smtp.logout();
                    smtp.disconnect();
                };
            }
            case IMAP: {
                IMAPSClient imap = new IMAPSClient(implicit, target.bareContext());
                imap.setEndpointCheckingEnabled(true);
                imap.setEnabledProtocols(protocols);
                imap.connect(target.host(), port);
                require(imap.capability(), "CAPABILITY", imap.getReplyString());
                if (!implicit) {
                    require(imap.execTLS(), "STARTTLS", imap.getReplyString());
                    require(imap.capability(), "CAPABILITY after TLS", imap.getReplyString());
                }
                return () -> {
                    imap.logout();
                    imap.disconnect();
                };
            }
            case POP3: {
                POP3SClient pop3 = new POP3SClient(implicit, target.bareContext());
                pop3.setEndpointCheckingEnabled(true);
                pop3.setEnabledProtocols(protocols);
                pop3.connect(target.host(), port);
                require(pop3.capa(), "CAPA", pop3.getReplyString());
                if (!implicit) {
                    require(pop3.execTLS(), "STLS", pop3.getReplyString());
                    require(pop3.capa(), "CAPA after TLS", pop3.getReplyString());
                }
                return () -> {
                    pop3.logout();
                    pop3.disconnect();
                };
            }
            default: {
                FTPSClient ftp = new FTPSClient(implicit, target.bareContext());
                ftp.setEndpointCheckingEnabled(true);
                ftp.setEnabledProtocols(protocols);
                ftp.connect(target.host(), port); // sends AUTH TLS and handshakes (explicit mode)
                ftp.features(); // Apache FtpServer answers FEAT before login with 530; the floor reads that reply too
                ftp.execPBSZ(0);
                ftp.execPROT("P");
                return () -> {
                    ftp.quit();
                    ftp.disconnect();
                };
            }
        }
    }

    private static AutoCloseable angus(boolean implicit, Target target, int port) throws Exception {
        String scheme = implicit ? "smtps" : "smtp";
        Properties properties = new Properties();
        properties.put("mail." + scheme + ".host", target.host());
        properties.put("mail." + scheme + ".port", Integer.toString(port));
        properties.put("mail." + scheme + ".localhost", "localhost");
        properties.put("mail." + scheme + ".ssl.socketFactory", target.bareContext().getSocketFactory());
        properties.put("mail." + scheme + ".ssl.checkserveridentity", "true");
        properties.put("mail." + scheme + ".ssl.protocols", String.join(" ", target.protocols()));
        properties.put("mail." + scheme + ".connectiontimeout", "10000");
        properties.put("mail." + scheme + ".timeout", "10000");
        if (!implicit) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        Transport transport = Session.getInstance(properties).getTransport(scheme);
        transport.connect(target.host(), port, null, null);
        return transport::close;
    }

    private static void require(boolean ok, String step, String reply) throws IOException {
        if (!ok) {
            throw new IOException(step + " failed: " + reply);
        }
    }
}
