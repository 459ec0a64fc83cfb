package dev.starttls.imap;

import dev.starttls.Deadline;
import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Channel;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/** The plaintext part of IMAP up to the switch (RFC 3501 6.2.1, RFC 9051 6.2.1, RFC 2595 3.1). */
final class ImapDialogue {
    private ImapDialogue() {
    }

    static ImapSession startTls(Socket socket, String host, TlsPolicy policy) throws TlsUpgradeException {
        Channel plain = Channel.open(socket, policy, host, socket.getPort());
        return plain.closeOnFailure(() -> {
            Tags tags = new Tags();
            ImapResponse greeting = ImapResponse.read(plain, plain.replyDeadline());
            if (greeting.text().startsWith("* PREAUTH")) {
                if (policy.isOpportunistic()) {
                    return new ImapSession(plain, null, capabilitiesIn(greeting.text()), tags);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED, plain.peer() + " greeted with PREAUTH: "
                        + "the session is already authenticated in clear and STARTTLS is no longer possible",
                        greeting.text(), null);
            }
            expectOkGreeting(plain, greeting);
            Set<String> capabilities = capabilitiesIn(greeting.text());
            if (capabilities.isEmpty()) {
                capabilities = capability(plain, tags);
            }
            if (!capabilities.contains("STARTTLS")) {
                if (policy.isOpportunistic()) {
                    return new ImapSession(plain, null, capabilities, tags);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_NOT_OFFERED, plain.peer() + " did not announce "
                        + "STARTTLS (possible STARTTLS stripping); TLS is required by the policy",
                        String.join(" ", capabilities), null);
            }
            String tag = tags.unpredictable();
            plain.send(tag + " STARTTLS");
            ImapResponse answer = readUntilTagged(plain, tag, plain.replyDeadline(), null, true);
            if (!answer.status().equals("OK")) {
                if (policy.isOpportunistic() && answer.status().equals("NO")) {
                    return new ImapSession(plain, null, capabilities, tags);
                }
                throw new TlsUpgradeException(Failure.STARTTLS_REFUSED, plain.peer() + " refused STARTTLS: "
                        + answer, answer.text(), null);
            }
            return afterHandshake(plain.startTls(), tags);
        });
    }

    static ImapSession implicit(SSLSocket tls, String host, int port, TlsPolicy policy) throws TlsUpgradeException {
        Channel channel = Channel.open(tls, policy, host, port);
        return channel.closeOnFailure(() -> {
            ImapResponse greeting = ImapResponse.read(channel, channel.replyDeadline());
            if (!greeting.text().startsWith("* PREAUTH")) { // PREAUTH inside TLS is fine: nothing was in clear
                expectOkGreeting(channel, greeting);
            }
            return afterHandshake(channel, new Tags());
        });
    }

    /** RFC 3501 6.2.1: capabilities learned before TLS are discarded; ask again inside TLS. */
    private static ImapSession afterHandshake(Channel channel, Tags tags) throws TlsUpgradeException {
        return channel.closeOnFailure(() -> {
            Handshake handshake = channel.tlsHandshake();
            return new ImapSession(channel, handshake, capability(channel, tags), tags);
        });
    }

    private static void expectOkGreeting(Channel channel, ImapResponse greeting) throws TlsUpgradeException {
        if (greeting.text().startsWith("* BYE")) {
            throw new TlsUpgradeException(Failure.REJECTED, channel.peer() + " refused the session: " + greeting,
                    greeting.text(), null);
        }
        if (!greeting.text().startsWith("* OK")) {
            throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " sent " + greeting
                    + " where an IMAP greeting (* OK) was expected", greeting.text(), null);
        }
    }

    /** CAPABILITY: the untagged CAPABILITY response's words, upper case. */
    static Set<String> capability(Channel channel, Tags tags) throws TlsUpgradeException {
        String tag = tags.next();
        channel.send(tag + " CAPABILITY");
        List<ImapResponse> untagged = new ArrayList<>();
        ImapResponse done = readUntilTagged(channel, tag, channel.replyDeadline(), untagged, false);
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
        return Set.copyOf(capabilities);
    }

    /**
     * Reads responses until the tagged one for {@code tag}, under one deadline, at most the policy's number of untagged
     * responses. Untagged responses go to {@code untagged}, or are discarded when it is {@code null} (before TLS they
     * are unauthenticated and never reach the caller). A continuation ends the wait when {@code continuationEnds}
     * (the caller decides what it means), and is a protocol failure otherwise; so is another tag.
     */
    static ImapResponse readUntilTagged(Channel channel, String tag, Deadline deadline, List<ImapResponse> untagged,
            boolean continuationEnds) throws TlsUpgradeException {
        int untaggedCount = 0;
        while (true) {
            ImapResponse response = ImapResponse.read(channel, deadline);
            if (response.isUntagged()) {
                if (++untaggedCount > channel.policy().maxReplyLines()) {
                    throw new TlsUpgradeException(Failure.LIMIT, channel.peer() + " sent more than "
                            + channel.policy().maxReplyLines() + " untagged responses");
                }
                if (untagged != null) {
                    untagged.add(response);
                }
            } else if (response.isContinuation() ? continuationEnds : tag.equals(response.tag())) {
                return response;
            } else {
                throw new TlsUpgradeException(Failure.PROTOCOL, channel.peer() + " sent " + response
                        + " while the answer to tag " + tag + " was expected", response.text(), null);
            }
        }
    }

    /** Capabilities from a {@code [CAPABILITY ...]} response code in the greeting; empty if there is none. */
    static Set<String> capabilitiesIn(String greeting) {
        String upper = greeting.toUpperCase(Locale.ROOT);
        int start = upper.indexOf("[CAPABILITY ");
        int end = start < 0 ? -1 : upper.indexOf(']', start);
        if (end < 0) {
            return Set.of();
        }
        return Set.copyOf(words(greeting.substring(start + "[CAPABILITY ".length(), end)));
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
