package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
