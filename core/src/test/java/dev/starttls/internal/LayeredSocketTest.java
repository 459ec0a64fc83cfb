package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layer TLS runs over: it reports the port TLS sessions are cached under, passes bytes through unchanged, and
 * keeps the first bytes it saw so that a wrong-mode failure can quote the plaintext line a server sent.
 */
class LayeredSocketTest {
    private Socket real;
    private Socket peer;
    private LayeredSocket layered;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            real = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            peer = listener.accept();
        }
        layered = new LayeredSocket(real, 2121);
    }

    @AfterEach
    void close() throws IOException {
        real.close();
        peer.close();
    }

    private void peerSends(String text) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void reportsTheResumptionPortNotTheConnectedOne() {
        assertEquals(2121, layered.getPort());
        assertEquals(real.getLocalPort(), layered.getLocalPort());
    }

    @Test
    void passesBytesThroughAndEndsWithTheConnection() throws IOException {
        InputStream in = layered.getInputStream();
        assertSame(in, layered.getInputStream(), "one stream per socket");
        peerSends("220 ok\r\n");
        assertArrayEquals("220 ok\r\n".getBytes(StandardCharsets.US_ASCII), in.readNBytes(8));
        peerSends("\u00ff");
        assertEquals(0xff, in.read(), "a single byte comes back unsigned");
        peer.shutdownOutput();
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(new byte[4], 0, 4));
    }

    @Test
    void availableAndCloseActOnTheConnection() throws Exception {
        InputStream in = layered.getInputStream();
        peerSends("abc");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (in.available() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, in.available());
        in.close();
        assertTrue(real.isClosed());
    }

    @Test
    void quotesTheFirstLineAServerSentInClear() throws IOException {
        InputStream in = layered.getInputStream();
        peerSends("220 mx.exam");
        in.readNBytes(11);
        peerSends("ple.com ESMTP\r\n250 next\r\n");
        in.readNBytes(25);
        assertEquals("220 mx.example.com ESMTP", layered.firstLineIfText(), "kept across reads, up to the line end");
    }

    @Test
    void quotesAtMostTheFirst64Bytes() throws IOException {
        String longLine = "* OK " + "x".repeat(100) + "\r\n";
        peerSends(longLine);
        layered.getInputStream().readNBytes(longLine.length());
        assertEquals(longLine.substring(0, 64), layered.firstLineIfText());
    }

    @Test
    void quotesNothingForBinaryOrTooShortFirstBytes() throws IOException {
        peerSends("\u0016\u0003\u0003\u0000\u0002ab"); // a TLS record: the server did speak TLS
        layered.getInputStream().readNBytes(7);
        assertEquals("", layered.firstLineIfText());
    }

    @Test
    void quotesNothingForALineOfFewerThanThreeCharacters() throws IOException {
        peerSends("OK\r\nmore text");
        layered.getInputStream().readNBytes(13);
        assertEquals("", layered.firstLineIfText());
    }

    @Test
    void quotesAThreeCharacterLine() throws IOException {
        peerSends("220\nmore");
        layered.getInputStream().readNBytes(8);
        assertEquals("220", layered.firstLineIfText());
    }

    @Test
    void quotesNothingBeforeAnythingWasRead() {
        assertEquals("", layered.firstLineIfText());
    }

    @Test
    void aNonPrintableByteInTheFirstLineMeansItIsNotText() throws IOException {
        peerSends("220 a\u007fb\r\n");
        layered.getInputStream().readNBytes(9);
        assertEquals("", layered.firstLineIfText());
        LayeredSocket other = new LayeredSocket(peer, 25);
        OutputStream out = real.getOutputStream();
        out.write("220 ~ ok\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        other.getInputStream().readNBytes(10);
        assertEquals("220 ~ ok", other.firstLineIfText(), "'~' (0x7e) and ' ' (0x20) are printable");
    }
}
