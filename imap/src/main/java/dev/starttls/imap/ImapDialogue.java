package dev.starttls.imap;

import dev.starttls.Deadline;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.UpgradeReport;
import dev.starttls.spi.Channel;
import dev.starttls.spi.StartTlsDialogue;
import dev.starttls.spi.UpgradeAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IMAP's part of the STARTTLS procedure (RFC 3501 6.2.1, RFC 9051 6.2.1, RFC 2595 3.1). */
final class ImapDialogue implements StartTlsDialogue<ImapSession> {
    /** RFC 3501 7.1: {@code [CAPABILITY ...]} in a greeting, in any case. */
    private static final Pattern CAPABILITY_CODE = Pattern.compile("\\[CAPABILITY ([^\\]]*)]", Pattern.CASE_INSENSITIVE);
    private final Tags tags = new Tags();
    /** RFC 3501 6.2.1 needs no literal before TLS: the plaintext phase as a whole gets a small budget. */
    private final ImapResponse.LiteralBudget plaintextLiterals = ImapResponse.LiteralBudget.plaintextPhase();
    private Set<String> greetingCapabilities = Set.of();

    @Override
    public String protocol() {
        return "IMAP";
    }

    @Override
    public String upgradeCommand() {
        return "STARTTLS";
    }

    @Override
    public int implicitPort() {
        return ImapTls.IMAPS_PORT;
    }

    /** {@code * OK} goes on, {@code * BYE} refuses, {@code * PREAUTH} rules out STARTTLS (already authenticated). */
    @Override
    public Optional<String> readGreeting(Channel channel) throws TlsUpgradeException {
        ImapResponse greeting = ImapResponse.read(channel, channel.replyDeadline(), budget(channel));
        String upper = greeting.text().toUpperCase(Locale.ROOT);
        greetingCapabilities = capabilitiesIn(greeting.text());
        if (upper.startsWith("* PREAUTH")) {
            return Optional.of(channel.peer() + " greeted with PREAUTH: the session is already authenticated in "
                    + "clear and STARTTLS is no longer possible");
        }
        if (upper.startsWith("* BYE")) {
            throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused the session: " + greeting,
                    greeting.text(), null);
        }
        if (!upper.startsWith("* OK")) {
            throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " sent " + greeting
                    + " where an IMAP greeting (* OK) was expected", greeting.text(), null);
        }
        return Optional.empty();
    }

    /**
     * The capabilities from the plaintext greeting's {@code [CAPABILITY ...]} code if it had one, else (and always
     * inside TLS, RFC 3501 6.2.1) from a CAPABILITY command.
     */
    @Override
    public List<String> capabilities(Channel channel) throws TlsUpgradeException {
        Set<String> announced = greetingCapabilities;
        greetingCapabilities = Set.of(); // good for the first plaintext call only
        return List.copyOf(!announced.isEmpty() && !channel.isTls() ? announced
                : capability(channel, tags, budget(channel)));
    }

    @Override
    public boolean offersUpgrade(List<String> capabilities) {
        return capabilities.contains("STARTTLS");
    }

    /** Only our tag's OK is the go-ahead (RFC 3501 6.2.1); NO and BAD refuse; a continuation here is nonsense. */
    @Override
    public UpgradeAnswer requestUpgrade(Channel plain) throws TlsUpgradeException {
        String tag = tags.unpredictable();
        plain.send(tag + " STARTTLS");
        ImapResponse answer = readUntilTagged(plain, tag, plain.replyDeadline(), null, true, budget(plain));
        if (answer.isContinuation()) {
            throw new TlsUpgradeException(Failure.PROTOCOL, plain.peer() + " answered STARTTLS with a continuation "
                    + answer + " instead of a tagged OK", answer.text(), null);
        }
        switch (answer.status()) {
            case "OK":
                return UpgradeAnswer.goAhead();
            case "NO":
            case "BAD":
                return UpgradeAnswer.refused(answer.text(), -1);
            default:
                return UpgradeAnswer.unexpected(answer.text(), -1);
        }
    }

    @Override
    public ImapSession session(Channel channel, List<String> capabilities, UpgradeReport report) {
        return new ImapSession(channel, capabilities, report, tags);
    }

    /** The literal budget for reading on {@code channel}: the plaintext phase's before TLS, none beyond the response's after. */
    private ImapResponse.LiteralBudget budget(Channel channel) {
        return channel.isTls() ? ImapResponse.LiteralBudget.unlimited() : plaintextLiterals;
    }

    /** CAPABILITY: the untagged CAPABILITY response's words, upper case; none when refused with BAD or NO. */
    static Set<String> capability(Channel channel, Tags tags, ImapResponse.LiteralBudget literals)
            throws TlsUpgradeException {
        String tag = tags.next();
        channel.send(tag + " CAPABILITY");
        List<ImapResponse> untagged = new ArrayList<>();
        ImapResponse done = readUntilTagged(channel, tag, channel.replyDeadline(), untagged, false, literals);
        if (done.status().equals("BAD") || done.status().equals("NO")) {
            return Set.of(); // a server that cannot list capabilities offers none, STARTTLS included
        }
        if (!done.status().equals("OK")) {
            throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " answered CAPABILITY with " + done,
                    done.text(), null);
        }
        Set<String> capabilities = new LinkedHashSet<>();
        for (ImapResponse response : untagged) {
            if (response.text().toUpperCase(Locale.ROOT).startsWith("* CAPABILITY ")) {
                capabilities.addAll(words(response.text().substring("* CAPABILITY ".length())));
            }
        }
        return capabilities;
    }

    /**
     * Reads responses until the tagged one for {@code tag}, under one deadline, at most the policy's number of untagged
     * responses. Untagged responses go to {@code untagged}, or are discarded when it is {@code null} (before TLS they
     * are unauthenticated and never reach the caller). A continuation ends the wait when {@code continuationEnds}
     * (the caller decides what it means), and is a protocol failure otherwise; so is another tag.
     */
    static ImapResponse readUntilTagged(Channel channel, String tag, Deadline deadline, List<ImapResponse> untagged,
            boolean continuationEnds) throws TlsUpgradeException {
        return readUntilTagged(channel, tag, deadline, untagged, continuationEnds,
                ImapResponse.LiteralBudget.unlimited());
    }

    /** As above, charging every literal to {@code literals} as well. */
    static ImapResponse readUntilTagged(Channel channel, String tag, Deadline deadline, List<ImapResponse> untagged,
            boolean continuationEnds, ImapResponse.LiteralBudget literals) throws TlsUpgradeException {
        int untaggedCount = 0;
        while (true) {
            ImapResponse response = ImapResponse.read(channel, deadline, literals);
            if (response.isUntagged()) {
                if (++untaggedCount > channel.policy().maxReplyLines()) {
                    throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent more than "
                            + channel.policy().maxReplyLines() + " untagged responses");
                }
                if (untagged != null) {
                    untagged.add(response);
                }
            } else if (response.isContinuation() ? continuationEnds : response.hasTag(tag)) {
                return response;
            } else {
                throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " sent " + response
                        + " while the answer to tag " + tag + " was expected", response.text(), null);
            }
        }
    }

    /** Capabilities from a {@code [CAPABILITY ...]} response code in the greeting; empty if there is none. */
    static Set<String> capabilitiesIn(String greeting) {
        Matcher code = CAPABILITY_CODE.matcher(greeting);
        return code.find() ? Set.copyOf(words(code.group(1))) : Set.of();
    }

    private static Set<String> words(String text) {
        Set<String> result = new LinkedHashSet<>();
        for (String w : text.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                result.add(w.toUpperCase(Locale.ROOT));
            }
        }
        return result;
    }
}
