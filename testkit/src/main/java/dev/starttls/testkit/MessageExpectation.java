package dev.starttls.testkit;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A message a test waits for: {@link TlsGreenMail#awaitMessage()} with conditions on the recipient, sender and
 * subject, and {@link #within(Duration)} to wait. The failure says what was expected and lists every message that did
 * arrive.
 *
 * <pre>{@code
 * MimeMessage m = mail.awaitMessage().to("alice@localhost").subject("hi").within(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Conditions are matched against every message received so far, so a message that arrived before the call counts.
 * Not thread-safe: build and use it on one thread.
 *
 * @since 0.1
 */
public final class MessageExpectation {
    private final GreenMail greenMail;
    private final List<String> described = new ArrayList<>();
    private Predicate<MimeMessage> condition = m -> true;

    MessageExpectation(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    /** A message with this address in To or Cc (case-insensitive). */
    public MessageExpectation to(String address) {
        Objects.requireNonNull(address, "address");
        return and("to " + address, m -> recipients(m).stream().anyMatch(a -> a.equalsIgnoreCase(address)));
    }

    /** A message with this address in From. */
    public MessageExpectation from(String address) {
        Objects.requireNonNull(address, "address");
        return and("from " + address, m -> addresses(m.getFrom()).stream().anyMatch(a -> a.equalsIgnoreCase(address)));
    }

    /** A message with exactly this subject. */
    public MessageExpectation subject(String subject) {
        Objects.requireNonNull(subject, "subject");
        return and("subject '" + subject + "'", m -> subject.equals(m.getSubject()));
    }

    /** A message that satisfies a condition of the test's own, described in the failure message. */
    public MessageExpectation matching(String description, Predicate<MimeMessage> test) {
        Objects.requireNonNull(test, "test");
        return and(description, test::test);
    }

    /**
     * Waits until a matching message has arrived and returns the first one.
     *
     * @throws AssertionError if none arrives in time, listing the messages that did
     */
    public MimeMessage within(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MimeMessage[] received = greenMail.getReceivedMessages();
            for (MimeMessage m : received) {
                if (condition.test(m)) {
                    return m;
                }
            }
            long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            // wakes up when the next message arrives, not on a timer
            if (left == 0 || !greenMail.waitForIncomingEmail(left, received.length + 1)) {
                if (greenMail.getReceivedMessages().length == received.length) {
                    throw new AssertionError("no message " + String.join(", ", described) + " within "
                            + timeout.toMillis() + " ms; " + describe(greenMail.getReceivedMessages()));
                }
            }
        }
    }

    private MessageExpectation and(String description, Check check) {
        described.add(description);
        Predicate<MimeMessage> before = condition;
        condition = m -> {
            try {
                return before.test(m) && check.test(m);
            } catch (MessagingException e) {
                return false;
            }
        };
        return this;
    }

    /** A condition that may fail to read the message. */
    @FunctionalInterface
    private interface Check {
        boolean test(MimeMessage m) throws MessagingException;
    }

    private static List<String> recipients(MimeMessage m) throws MessagingException {
        return addresses(m.getAllRecipients());
    }

    private static List<String> addresses(Address[] addresses) {
        if (addresses == null) {
            return List.of();
        }
        return Arrays.stream(addresses)
                .map(a -> a instanceof InternetAddress ? ((InternetAddress) a).getAddress() : a.toString())
                .map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    static String describe(MimeMessage[] received) {
        if (received.length == 0) {
            return "nothing arrived";
        }
        StringBuilder sb = new StringBuilder(received.length + " arrived:");
        for (MimeMessage m : received) {
            try {
                sb.append("\n  from ").append(addresses(m.getFrom())).append(" to ").append(recipients(m))
                        .append(" subject '").append(m.getSubject()).append('\'');
            } catch (MessagingException e) {
                sb.append("\n  (unreadable: ").append(e.getMessage()).append(')');
            }
        }
        return sb.toString();
    }
}
