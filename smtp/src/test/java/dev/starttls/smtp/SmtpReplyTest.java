package dev.starttls.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SmtpReply}: positive means the 2xx class exactly (RFC 5321 4.2.1), and the value keeps its own lines. */
class SmtpReplyTest {
    @Test
    void onlyTheTwoHundredsArePositive() {
        assertTrue(new SmtpReply(200, List.of("ok")).isPositive());
        assertTrue(new SmtpReply(299, List.of("ok")).isPositive());
        assertFalse(new SmtpReply(199, List.of("preliminary")).isPositive());
        assertFalse(new SmtpReply(300, List.of("intermediate")).isPositive());
        assertFalse(new SmtpReply(354, List.of("go on")).isPositive());
    }

    @Test
    void theLinesCannotChangeAfterwards() {
        List<String> lines = new ArrayList<>(List.of("first"));
        SmtpReply reply = new SmtpReply(250, lines);
        lines.add("second");
        assertEquals(List.of("first"), reply.lines());
    }
}
