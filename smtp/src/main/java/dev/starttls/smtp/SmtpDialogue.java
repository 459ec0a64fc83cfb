package dev.starttls.smtp;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Channel;
import dev.starttls.internal.NumericReply;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** The plaintext part of SMTP up to the switch, as RFC 3207 section 4 describes it, and the EHLO after it. */
final class SmtpDialogue {
    private SmtpDialogue() {
    }

    static SmtpSession startTls(Socket socket, String host, TlsPolicy policy) throws TlsUpgradeException {
        Channel plain = Channel.open(socket, policy, host, socket.getPort());
        return plain.closeOnFailure(() -> {
            expectGreeting(plain);
            String ehloName = ehloName(socket.getLocalAddress());
            NumericReply ehlo = ehlo(plain, ehloName, Failure.STARTTLS_NOT_OFFERED);
            if (!SmtpSession.parseExtensions(ehlo).containsKey("STARTTLS")) {
                if (policy.isOpportunistic()) {
                    return new SmtpSession(plain, null, ehlo, ehloName);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED, plain.peer() + " did not offer STARTTLS "
                        + "in its EHLO reply (possible STARTTLS stripping); TLS is required by the policy", ehlo.text(),
                        null);
            }
            plain.send("STARTTLS");
            NumericReply goAhead = plain.readNumericReply();
            if (goAhead.code() != 220) {
                if (policy.isOpportunistic() && goAhead.code() >= 400 && goAhead.code() < 500) {
                    return new SmtpSession(plain, null, ehlo, ehloName); // RFC 3207 4.1: may go on without TLS
                }
                throw new TlsUpgradeException(Failure.STARTTLS_REFUSED, plain.peer() + " refused STARTTLS: "
                        + goAhead.text(), goAhead.text(), null);
            }
            return afterHandshake(plain.startTls(), ehloName);
        });
    }

    static SmtpSession implicit(SSLSocket tls, String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        Channel channel = Channel.open(tls, policy, host, port);
        return channel.closeOnFailure(() -> {
            expectGreeting(channel);
            return afterHandshake(channel, ehloName(tls.getLocalAddress()));
        });
    }

    /** RFC 3207 4.2: forget everything learned before TLS and ask again. */
    private static SmtpSession afterHandshake(Channel channel, String ehloName) throws TlsUpgradeException {
        return channel.closeOnFailure(() -> {
            Handshake handshake = channel.tlsHandshake();
            NumericReply ehlo = ehlo(channel, ehloName, Failure.REJECTED);
            return new SmtpSession(channel, handshake, ehlo, ehloName);
        });
    }

    private static void expectGreeting(Channel channel) throws TlsUpgradeException {
        NumericReply greeting = channel.readNumericReply();
        if (greeting.code() != 220) {
            throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused the session in its greeting: "
                    + greeting.text(), greeting.text(), null);
        }
    }

    private static NumericReply ehlo(Channel channel, String ehloName, Failure onRefusal)
            throws TlsUpgradeException {
        channel.send("EHLO " + ehloName);
        NumericReply reply = channel.readNumericReply();
        if (reply.code() != 250) {
            throw new TlsUpgradeException(onRefusal, channel.peer() + " answered EHLO with " + reply.text()
                    + (onRefusal == Failure.STARTTLS_NOT_OFFERED ? "; without EHLO there is no STARTTLS" : ""),
                    reply.text(), null);
        }
        return reply;
    }

    /** RFC 5321 4.1.3 address literal of our end: no DNS lookup, always valid. */
    static String ehloName(InetAddress local) {
        return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress().replaceFirst("%.*$", "") + "]"
                : "[" + local.getHostAddress() + "]";
    }
}
