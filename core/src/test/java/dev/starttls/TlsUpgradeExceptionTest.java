package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.starttls.TlsUpgradeException.Failure;
import java.io.EOFException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What a caller can read off a failure: its kind, the server's reply and its code, the cause. */
class TlsUpgradeExceptionTest {
    @Test
    void aFailureWithoutAReplyHasNone() {
        TlsUpgradeException e = new TlsUpgradeException(Failure.TIMEOUT, "no greeting");
        assertEquals(Failure.TIMEOUT, e.failure());
        assertEquals(Optional.empty(), e.reply());
        assertEquals(OptionalInt.empty(), e.replyCode());
        assertEquals("dev.starttls.TlsUpgradeException [TIMEOUT]: no greeting", e.toString());
    }

    @Test
    void keepsTheCause() {
        EOFException cause = new EOFException();
        assertSame(cause, new TlsUpgradeException(Failure.CLOSED, "closed", cause).getCause());
        assertSame(cause, new TlsUpgradeException(Failure.CLOSED, "closed", "reply", cause).getCause());
    }

    @Test
    void aRefusalCarriesTheRepliesTextAndCode() {
        TlsUpgradeException e = new TlsUpgradeException(Failure.STARTTLS_REFUSED, "refused",
                "454 4.7.0 TLS not available", 454, null);
        assertEquals(Optional.of("454 4.7.0 TLS not available"), e.reply());
        assertEquals(OptionalInt.of(454), e.replyCode());
        assertEquals(OptionalInt.empty(),
                new TlsUpgradeException(Failure.REJECTED, "no", "-ERR no", null).replyCode());
    }

    @Test
    void replyCodesAreThreeDigitCodesFrom100To599() {
        assertEquals(OptionalInt.of(100), new TlsUpgradeException(Failure.PROTOCOL, "m", "r", 100, null).replyCode());
        assertEquals(OptionalInt.of(599), new TlsUpgradeException(Failure.PROTOCOL, "m", "r", 599, null).replyCode());
        assertThrows(IllegalArgumentException.class, () -> new TlsUpgradeException(Failure.PROTOCOL, "m", "r", 99, null));
        assertThrows(IllegalArgumentException.class, () -> new TlsUpgradeException(Failure.PROTOCOL, "m", "r", 600, null));
        assertThrows(IllegalArgumentException.class, () -> new TlsUpgradeException(Failure.PROTOCOL, "m", "r", 0, null));
        assertThrows(NullPointerException.class, () -> new TlsUpgradeException(null, "m"));
    }
}
