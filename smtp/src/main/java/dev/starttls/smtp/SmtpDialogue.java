package dev.starttls.smtp;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import dev.starttls.spi.StartTlsDialogue;
import dev.starttls.spi.UpgradeAnswer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** SMTP's part of the STARTTLS procedure (RFC 3207 4): greeting, EHLO, STARTTLS and its 220. */
final class SmtpDialogue implements StartTlsDialogue<SmtpSession> {
    private String ehloName;
    private NumericReply lastEhlo;

    @Override
    public String protocol() {
        return "SMTP";
    }

    @Override
    public String upgradeCommand() {
        return "STARTTLS";
    }

    @Override
    public int implicitPort() {
        return SmtpTls.SUBMISSIONS_PORT;
    }

    @Override
    public Optional<String> readGreeting(Channel channel) throws TlsUpgradeException {
        NumericReply greeting = channel.readNumericReply();
        if (greeting.code() != 220) {
            throw greeting.failure(Failure.REJECTED, channel.peer() + " refused the session in its greeting: "
                    + greeting.text());
        }
        return Optional.empty();
    }

    /** EHLO: its keyword lines (the first line is the greeting, not a keyword). */
    @Override
    public List<String> capabilities(Channel channel) throws TlsUpgradeException {
        if (ehloName == null) {
            ehloName = ehloName(channel.socket().getLocalAddress());
        }
        channel.send("EHLO " + ehloName);
        NumericReply reply = channel.readNumericReply();
        if (reply.code() != 250) {
            throw channel.isTls()
                    ? reply.failure(Failure.REJECTED, channel.peer() + " answered EHLO with " + reply.text())
                    : reply.failure(Failure.STARTTLS_NOT_OFFERED, channel.peer() + " answered EHLO with "
                            + reply.text() + "; without EHLO there is no STARTTLS");
        }
        lastEhlo = reply;
        return reply.lines().subList(1, reply.lines().size());
    }

    @Override
    public String capabilitiesReply(List<String> capabilities) {
        return lastEhlo == null ? String.join("\n", capabilities) : lastEhlo.text();
    }

    @Override
    public boolean offersUpgrade(List<String> capabilities) {
        return SmtpSession.parseExtensions(capabilities).containsKey("STARTTLS");
    }

    /** RFC 3207 4: 220 is the go-ahead; 454 (and any 4xx/5xx) a refusal after which a client may go on in clear. */
    @Override
    public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
        plain.send("STARTTLS");
        NumericReply reply = plain.readNumericReply();
        if (reply.code() == 220) {
            return UpgradeAnswer.goAhead();
        }
        return reply.code() >= 400 ? UpgradeAnswer.refused(reply.text(), reply.code())
                : UpgradeAnswer.unexpected(reply.text(), reply.code());
    }

    @Override
    public SmtpSession session(Channel channel, List<String> capabilities, UpgradeReport report) {
        return new SmtpSession(channel, capabilities, report, ehloName);
    }

    /** RFC 5321 4.1.3 address literal of our end: no DNS lookup, always valid. */
    static String ehloName(InetAddress local) {
        return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress().replaceFirst("%.*$", "") + "]"
                : "[" + local.getHostAddress() + "]";
    }
}
