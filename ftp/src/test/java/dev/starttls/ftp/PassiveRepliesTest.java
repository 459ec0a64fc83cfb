package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.spi.NumericReply;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The data port a server names in its 227 (RFC 959) and 229 (RFC 2428) replies, and the replies refused. */
class PassiveRepliesTest {
    private static NumericReply reply(int code, String text) {
        return new NumericReply(code, List.of(text));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "Entering Passive Mode (10,9,8,7,0,1); 1",
        "Entering Passive Mode (127,0,0,1,4,1); 1025",
        "Entering Passive Mode (10,9,8,7,255,255); 65535",
        "=10,9,8,7,19,137 (no parentheses, as some servers send it); 5001"
    })
    void readsThePasvPortAndIgnoresItsAddress(String text, int port) throws Exception {
        assertEquals(port, PassiveReplies.pasvPort(reply(227, text), "localhost:21"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Entering Passive Mode (10,9,8,7,256,0)", // a port byte above 255
        "Entering Passive Mode (10,9,8,7,1,256)",
        "Entering Passive Mode (10,9,8,7,0,0)", // port 0
        "Entering Passive Mode (10,9,8,7,1)", // five numbers
        "Entering Passive Mode"
    })
    void refusesAPasvReplyWithoutAUsablePort(String text) {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> PassiveReplies.pasvPort(reply(227, text), "localhost:21"));
        assertEquals(Failure.PROTOCOL, e.failure());
        assertEquals(227, e.replyCode().orElseThrow());
        assertTrue(e.getMessage().contains("localhost:21"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "Entering Extended Passive Mode (|||1|); 1",
        "Entering Extended Passive Mode (|||6446|); 6446",
        "Entering Extended Passive Mode (!!!65535!); 65535" // RFC 2428 3: any delimiter, the same four times
    })
    void readsTheEpsvPort(String text, int port) throws Exception {
        assertEquals(port, PassiveReplies.epsvPort(reply(229, text), "localhost:21"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Entering Extended Passive Mode (|||0|)",
        "Entering Extended Passive Mode (|||65536|)",
        "Entering Extended Passive Mode (|1|10.9.8.7|6446|)", // an address: EPSV names none (RFC 2428 3)
        "Entering Extended Passive Mode (|!|6446|)",
        "Entering Extended Passive Mode"
    })
    void refusesAnEpsvReplyWithoutAUsablePort(String text) {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> PassiveReplies.epsvPort(reply(229, text), "localhost:21"));
        assertEquals(Failure.PROTOCOL, e.failure());
        assertEquals(229, e.replyCode().orElseThrow());
        assertTrue(e.getMessage().contains("localhost:21"), e.getMessage());
    }
}
