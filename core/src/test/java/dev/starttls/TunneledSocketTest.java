package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A tunnel hands over the bytes that arrived with the proxy's reply (a greeting in the same segment as
 * "200 Connection established") before anything read from the proxy connection, and names the target, never the proxy.
 */
class TunneledSocketTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void replaysTheBytesThatCameWithTheProxyReplyBeforeReadingTheConnection() throws IOException {
        try (Loopback loopback = new Loopback()) {
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "mail.example.com", 587, ascii("220 mx"));
            loopback.serverSends(" ready\r\n");
            InputStream in = tunnel.getInputStream();
            byte[] buffer = new byte[4];
            assertEquals(4, in.read(buffer, 0, 4), "a read never goes past what it asked for");
            assertArrayEquals(ascii("220 "), buffer);
            assertEquals('m', in.read());
            byte[] two = new byte[8];
            assertEquals(1, in.read(two, 3, 5), "the end of the replayed bytes ends one read");
            assertEquals('x', two[3]);
            assertArrayEquals(ascii(" ready\r\n"), in.readNBytes(8), "then the connection itself");
        }
    }

    @Test
    void availableCountsTheReplayedBytesAndWhatTheConnectionHolds() throws Exception {
        try (Loopback loopback = new Loopback()) {
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "mail.example.com", 25, ascii("abc"));
            InputStream in = tunnel.getInputStream();
            assertEquals(3, in.available());
            in.read();
            assertEquals(2, in.available());
            loopback.serverSends("de");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (in.available() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(4, in.available());
        }
    }

    @Test
    void aReadIntoABadRangeIsRefused() throws IOException {
        try (Loopback loopback = new Loopback()) {
            InputStream in = TunneledSocket.over(loopback.client, "h.example", 25, ascii("abc")).getInputStream();
            assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[2], 1, 2));
        }
    }

    @Test
    void closingTheStreamClosesTheConnection() throws IOException {
        try (Loopback loopback = new Loopback()) {
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "h.example", 25, new byte[0]);
            tunnel.getInputStream().close();
            assertTrue(loopback.client.isClosed());
        }
    }

    @Test
    void namesTheTargetNotTheProxy() throws IOException {
        try (Loopback loopback = new Loopback()) {
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "mail.example.com", 587, new byte[0]);
            assertEquals("mail.example.com", tunnel.targetHost());
            assertEquals(587, tunnel.targetPort());
            assertEquals(587, tunnel.getPort(), "TLS sessions to the target are cached under its port");
            assertEquals(InetSocketAddress.createUnresolved("mail.example.com", 587), tunnel.getRemoteSocketAddress());
            assertSame(loopback.client, tunnel.proxyConnection());
            assertTrue(tunnel.toString().startsWith("TunneledSocket[to mail.example.com:587 via "), tunnel.toString());
            TunneledSocket v6 = TunneledSocket.over(loopback.client, "2001:db8::1", 443, new byte[0]);
            assertTrue(v6.toString().startsWith("TunneledSocket[to [2001:db8::1]:443 via "), v6.toString());
            TunneledSocket v4 = TunneledSocket.over(loopback.client, "192.0.2.1", 443, new byte[0]);
            assertTrue(v4.toString().startsWith("TunneledSocket[to 192.0.2.1:443 via "), v4.toString());
        }
    }

    @Test
    void theBytesGivenAreCopiedSoTheCallerCannotChangeThemLater() throws IOException {
        try (Loopback loopback = new Loopback()) {
            byte[] already = ascii("220");
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "h.example", 25, already);
            already[0] = 'X';
            assertEquals('2', tunnel.getInputStream().read());
        }
    }

    @Test
    void aTargetThatIsNotAHostNameIsRefused() throws IOException {
        try (Loopback loopback = new Loopback()) {
            assertThrows(IllegalArgumentException.class,
                    () -> TunneledSocket.over(loopback.client, "mail.example.com\r\nQUIT", 25, new byte[0]));
            assertThrows(IllegalArgumentException.class,
                    () -> TunneledSocket.over(loopback.client, "mail.example.com", 65536, new byte[0]));
            assertThrows(NullPointerException.class,
                    () -> TunneledSocket.over(loopback.client, "mail.example.com", 25, null));
            assertThrows(NullPointerException.class, () -> TunneledSocket.over(null, "mail.example.com", 25, new byte[0]));
        }
    }
}
