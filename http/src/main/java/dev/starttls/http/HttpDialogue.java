package dev.starttls.http;

import dev.starttls.TlsUpgradeException;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.StartTlsDialogue;
import dev.starttls.spi.UpgradeAnswer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP's part of the core procedure: nothing to read before the client speaks, no capabilities, and for RFC 2817 the
 * {@code OPTIONS *} upgrade request whose only go-ahead is {@code 101} with {@code Upgrade: TLS/1.x}.
 */
final class HttpDialogue implements StartTlsDialogue<HttpSession> {
    @Override
    public String protocol() {
        return "HTTP";
    }

    @Override
    public String upgradeCommand() {
        return "Upgrade: TLS/1.0";
    }

    @Override
    public int implicitPort() {
        return HttpTls.HTTPS_PORT;
    }

    /** An HTTP server waits for the request: there is no greeting to read. */
    @Override
    public Optional<String> readGreeting(Channel channel) {
        return Optional.empty();
    }

    /** HTTP announces nothing up front. */
    @Override
    public List<String> capabilities(Channel channel) {
        return List.of();
    }

    /** Nothing advertises RFC 2817 before it is asked for; the caller opted in, so the request is always made. */
    @Override
    public boolean offersUpgrade(List<String> capabilities) {
        return true;
    }

    /**
     * RFC 2817 3.2: a mandatory upgrade with {@code OPTIONS *}, so no resource is requested in clear. Anything but
     * {@code 101} with a TLS upgrade is "unexpected", which the core turns into a failure even for an opportunistic
     * policy: the session never continues in plaintext.
     */
    @Override
    public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
        plain.sendRaw(("OPTIONS * HTTP/1.1\r\nHost: " + HttpSyntax.hostField(plain.endpoint())
                + "\r\nUpgrade: TLS/1.0\r\nConnection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpHead head = HttpHead.readFinal(plain.reader(), plain.replyDeadline(), plain.policy().maxReplyLines(),
                "server " + plain.peer());
        // RFC 9110 7.8: the first protocol listed in the 101's Upgrade is the one switched to
        String upgrade = head.field("Upgrade").orElse("").split(",")[0].trim().toUpperCase(Locale.ROOT);
        if (head.status() == 101 && upgrade.startsWith("TLS/1.")) {
            return UpgradeAnswer.goAhead();
        }
        return UpgradeAnswer.unexpected(head.text(), head.status());
    }

    @Override
    public HttpSession session(Channel channel, List<String> capabilities, UpgradeReport report) {
        return new HttpSession(channel, report);
    }
}
