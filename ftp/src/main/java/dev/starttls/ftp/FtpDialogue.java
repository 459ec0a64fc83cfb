package dev.starttls.ftp;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.NumericReply;
import dev.starttls.spi.StartTlsDialogue;
import dev.starttls.spi.UpgradeAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * FTP's part of the upgrade: the 220 greeting, {@code AUTH TLS} and its 234 (RFC 4217 4), {@code PBSZ 0} and
 * {@code PROT P} inside TLS (RFC 4217 8, 9), then {@code FEAT} (RFC 2389). Nothing but {@code AUTH TLS} is sent in
 * clear: whether the server supports it is decided by its answer, not by a FEAT list an attacker could strip.
 */
final class FtpDialogue implements StartTlsDialogue<FtpSession> {
    /** RFC 4217 4: the negative answers to AUTH TLS (500 unknown command, 502 unsupported, 504/534 refused). */
    private static final Set<Integer> REFUSALS = Set.of(500, 502, 504, 534);
    /** RFC 959 4.2: a 120 greeting announces a delay; more than a few is a server stalling. */
    private static final int MAX_DELAY_REPLIES = 3;

    private final DataProtection protection;
    private boolean privateData;

    FtpDialogue(DataProtection protection) {
        this.protection = protection;
    }

    @Override
    public String protocol() {
        return "FTP";
    }

    @Override
    public String upgradeCommand() {
        return "AUTH TLS";
    }

    @Override
    public int implicitPort() {
        return FtpTls.IMPLICIT_PORT;
    }

    @Override
    public Optional<String> readGreeting(Channel channel) throws TlsUpgradeException {
        NumericReply greeting = channel.readRfc959Reply();
        for (int i = 0; greeting.code() == 120 && i < MAX_DELAY_REPLIES; i++) {
            greeting = channel.readRfc959Reply(); // RFC 959 5.4: 120 then 220
        }
        if (greeting.code() == 220) {
            return Optional.empty();
        }
        // a 230 greeting ("already logged in") is not a login: only 220 opens a session (RFC 959 5.4)
        throw greeting.failure(greeting.code() >= 400 ? Failure.REJECTED : Failure.PROTOCOL,
                channel.peer() + " greeted with " + greeting.text() + " instead of 220");
    }

    @Override
    public List<String> capabilities(Channel channel) throws TlsUpgradeException {
        if (!channel.isTls()) {
            return List.of(); // nothing is asked in clear
        }
        channel.send("FEAT");
        NumericReply feat = channel.readRfc959Reply();
        if (feat.code() != 211) {
            return List.of(); // RFC 2389 3.2: a server without FEAT answers 500/502
        }
        List<String> features = new ArrayList<>();
        for (String line : feat.lines().subList(1, Math.max(1, feat.lines().size() - 1))) {
            if (!line.isBlank()) {
                features.add(line.trim());
            }
        }
        return List.copyOf(features);
    }

    @Override
    public boolean offersUpgrade(List<String> capabilities) {
        return true; // the answer to AUTH TLS decides (500/502/504/534: not supported)
    }

    @Override
    public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
        plain.send("AUTH TLS");
        NumericReply reply = plain.readRfc959Reply();
        if (reply.code() == 234) {
            return UpgradeAnswer.goAhead();
        }
        // 334 is the go-ahead of a security mechanism with a data exchange (RFC 2228), not TLS: never a go-ahead here
        return REFUSALS.contains(reply.code()) ? UpgradeAnswer.refused(reply.text(), reply.code())
                : UpgradeAnswer.unexpected(reply.text(), reply.code());
    }

    /**
     * RFC 4217 8, 9: {@code PBSZ 0} then {@code PROT P}. Reading their replies also lets JSSE take the TLS 1.3 session
     * ticket the server sent after the handshake, which data connections need to resume the session (FIELD-NOTES).
     */
    @Override
    public void afterHandshake(Channel tls) throws TlsUpgradeException {
        tls.send("PBSZ 0");
        NumericReply pbsz = tls.readRfc959Reply();
        if (pbsz.code() != 200) {
            throw pbsz.failure(Failure.REJECTED, tls.peer() + " refused PBSZ 0 inside TLS: " + pbsz.text());
        }
        tls.send("PROT P");
        NumericReply prot = tls.readRfc959Reply();
        if (prot.code() == 200) {
            privateData = true;
        } else if (prot.code() >= 500 && protection == DataProtection.PRIVATE_OR_CLEAR_INSECURELY) {
            privateData = false;
        } else {
            throw prot.failure(Failure.REJECTED, tls.peer() + " refused PROT P: data connections would travel in "
                    + "clear (allow that only with DataProtection.PRIVATE_OR_CLEAR_INSECURELY): " + prot.text());
        }
    }

    @Override
    public FtpSession session(Channel channel, List<String> capabilities, UpgradeReport report) {
        return new FtpSession(channel, capabilities, report, privateData); // set only by PROT P inside TLS
    }
}
