package dev.starttls.ftp;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.NumericReply;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The data port in EPSV (RFC 2428 3) and PASV (RFC 959 4.1.2) replies; PASV's address is never used. */
final class PassiveReplies {
    private static final Pattern EPSV = Pattern.compile("\\((.)\\1\\1(\\d{1,5})\\1\\)");
    private static final Pattern PASV = Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");

    private PassiveReplies() {
    }

    /** The port of {@code 229 Entering Extended Passive Mode (|||6446|)}. */
    static int epsvPort(NumericReply reply, String peer) throws TlsUpgradeException {
        Matcher m = EPSV.matcher(reply.text());
        if (!m.find()) {
            throw reply.failure(Failure.PROTOCOL, "malformed EPSV reply from " + peer + ": " + reply.text());
        }
        return port(Integer.parseInt(m.group(2)), reply, peer);
    }

    /**
     * The port of {@code 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)}. The address is ignored: the data connection
     * goes to the control connection's peer, so a server (or an attacker rewriting the reply) cannot send it elsewhere
     * (the FTP bounce and PASV-redirect class of attacks; curl's {@code --ftp-skip-pasv-ip}).
     */
    static int pasvPort(NumericReply reply, String peer) throws TlsUpgradeException {
        Matcher m = PASV.matcher(reply.text());
        if (!m.find()) {
            throw reply.failure(Failure.PROTOCOL, "malformed PASV reply from " + peer + ": " + reply.text());
        }
        int high = Integer.parseInt(m.group(5));
        int low = Integer.parseInt(m.group(6));
        if (high > 255 || low > 255) {
            throw reply.failure(Failure.PROTOCOL, "malformed PASV reply from " + peer + ": " + reply.text());
        }
        return port(high * 256 + low, reply, peer);
    }

    private static int port(int port, NumericReply reply, String peer) throws TlsUpgradeException {
        if (port < 1 || port > 65535) {
            throw reply.failure(Failure.PROTOCOL, peer + " named data port " + port + ": " + reply.text());
        }
        return port;
    }
}
