package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Deadline;
import dev.starttls.LineReader;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class NumericReplyTest {
    private static NumericReply parse(String wire, int maxLines) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            server.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
            server.shutdownOutput();
            return NumericReply.read(LineReader.of(client, 1024), Deadline.after(Duration.ofSeconds(5)), maxLines);
        }
    }

    private static NumericReply parseFtp(String wire, int maxLines) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            server.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
            server.shutdownOutput();
            return NumericReply.readRfc959(LineReader.of(client, 1024), Deadline.after(Duration.ofSeconds(5)),
                    maxLines);
        }
    }

    private static Failure failureOf(Executable parse) {
        return assertThrows(TlsUpgradeException.class, parse).failure();
    }

    @Test
    void parsesAMultiLineReply() throws IOException {
        NumericReply reply = parse("250-mail.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n", 10);
        assertEquals(250, reply.code());
        assertEquals(List.of("mail.example.com", "PIPELINING", "STARTTLS"), reply.lines());
        assertEquals("250-mail.example.com\n250-PIPELINING\n250 STARTTLS", reply.text());
    }

    @Test
    void acceptsACodeWithoutText() throws IOException {
        assertEquals(List.of(""), parse("220\r\n", 10).lines());
    }

    @Test
    void refusesALineWithoutACode() {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> parse("hello\r\n", 10));
        assertEquals(Failure.PROTOCOL, e.failure());
    }

    @Test
    void refusesACodeThatChangesInsideAReply() {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> parse("250-a\r\n220 b\r\n", 10));
        assertEquals(Failure.PROTOCOL, e.failure());
    }

    @Test
    void refusesMoreLinesThanAllowed() {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> parse("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", 3));
        assertEquals(Failure.LIMIT, e.failure());
    }

    @Test
    void aReplyThatNeverEndsIsClosedWhenThePeerLeaves() {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> parse("250-a\r\n250-b\r\n", 10));
        assertEquals(Failure.CLOSED, e.failure());
    }

    @Test
    void codesAreThreeDigitsFrom100To599() throws IOException {
        assertEquals(100, parse("100 continue\r\n", 10).code());
        assertEquals(599, parse("599 last\r\n", 10).code());
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("099 low\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("600 high\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("2a0 letters\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("/00 below zero\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse(":00 above nine\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("25\r\n", 10)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parse("250xno separator\r\n", 10)));
    }

    @Test
    void aMalformedLineInsideAReplyIsQuotedWithTheLinesBeforeIt() {
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                () -> parse("250-first\r\n250-second\r\nboom\r\n", 10));
        assertEquals("malformed reply line 'boom' in a 250 reply", e.getMessage());
        assertEquals(java.util.Optional.of("first\nsecond"), e.reply());
        TlsUpgradeException atOnce = assertThrows(TlsUpgradeException.class, () -> parse("boom\r\n", 10));
        assertEquals("malformed reply line 'boom'", atOnce.getMessage());
        assertEquals(java.util.Optional.empty(), atOnce.reply());
    }

    @Test
    void exactlyTheAllowedNumberOfLinesIsAccepted() throws IOException {
        assertEquals(3, parse("250-a\r\n250-b\r\n250 c\r\n", 3).lines().size());
        assertEquals(1, parse("250 a\r\n", 1).lines().size());
        assertEquals(Failure.LIMIT, failureOf(() -> parse("250-a\r\n250 b\r\n", 1)));
    }

    @Test
    void onlyTwoHundredsArePositive() throws IOException {
        assertTrue(parse("200 ok\r\n", 10).isPositive());
        assertTrue(parse("299 ok\r\n", 10).isPositive());
        assertFalse(parse("199 not yet\r\n", 10).isPositive());
        assertFalse(parse("300 more\r\n", 10).isPositive());
        assertFalse(parse("454 no\r\n", 10).isPositive());
    }

    @Test
    void aFailureMadeFromAReplyCarriesItsTextAndCode() throws IOException {
        NumericReply reply = parse("535-5.7.8 bad\r\n535 5.7.8 credentials\r\n", 10);
        TlsUpgradeException e = reply.failure(Failure.REJECTED, "AUTH refused");
        assertEquals(Failure.REJECTED, e.failure());
        assertEquals("AUTH refused", e.getMessage());
        assertEquals(java.util.Optional.of("535-5.7.8 bad\n535 5.7.8 credentials"), e.reply());
        assertEquals(java.util.OptionalInt.of(535), e.replyCode());
        assertEquals(reply.text(), reply.toString());
    }

    @Test
    void anFtpReplyMayHaveFreeTextLinesBetweenItsFirstAndLast() throws IOException {
        NumericReply feat = parseFtp("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211-PROT\r\n211 End\r\n", 10);
        assertEquals(211, feat.code());
        assertEquals(List.of("Features:", " AUTH TLS", " PBSZ", "PROT", "End"), feat.lines());
    }

    @Test
    void anFtpReplyIsOneLineOrEndsAtItsCodeAndASpace() throws IOException {
        assertEquals(List.of("Service ready"), parseFtp("220 Service ready\r\n", 10).lines());
        assertEquals(List.of(""), parseFtp("200\r\n", 10).lines());
        assertEquals(List.of("a", "230 is not the end", ""),
                parseFtp("220-a\r\n230 is not the end\r\n220\r\n", 10).lines());
        assertEquals(List.of("a", "b"), parseFtp("220-a\r\n220 b\r\n", 10).lines());
        assertEquals(List.of("a", "", "b"), parseFtp("220-a\r\n220-\r\n220 b\r\n", 10).lines(),
                "a middle line of just its code and '-' is empty");
        assertEquals(List.of("a", ""), parseFtp("220-a\r\n220 \r\n", 10).lines(), "a last line of code and space");
        assertEquals(List.of("a", "2", "220-x"), parseFtp("220-a\r\n2\r\n220-220-x\r\n220\r\n", 10)
                .lines().subList(0, 3));
    }

    @Test
    void anFtpReplyIsBoundedAndMustStartWithACode() {
        assertEquals(Failure.LIMIT, failureOf(() -> parseFtp("211-a\r\n b\r\n c\r\n211 d\r\n", 3)));
        assertEquals(Failure.PROTOCOL, failureOf(() -> parseFtp(" no code\r\n", 10)));
        assertEquals(Failure.CLOSED, failureOf(() -> parseFtp("211-a\r\n b\r\n", 10)));
        TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> parseFtp("hello\r\n", 10));
        assertEquals(java.util.Optional.of("hello"), e.reply());
    }

    @Test
    void anFtpReplyOfExactlyTheAllowedLinesIsAccepted() throws IOException {
        assertEquals(3, parseFtp("211-a\r\n b\r\n211 c\r\n", 3).lines().size());
    }
}
