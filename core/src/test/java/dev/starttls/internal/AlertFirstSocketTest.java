package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The server side closes a connection whose handshake failed so that the client reads the TLS alert, not a reset:
 * FIN first, then a short drain of what the client still sends, then close.
 */
class AlertFirstSocketTest {
    private static final byte[] ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a}; // fatal bad_certificate

    @Test
    void aFailedHandshakeLetsTheClientReadTheAlertEvenWhileItIsStillSending() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Socket accepted = listener.accept();
            AlertFirstSocket server = new AlertFirstSocket(accepted);
            // the client's certificate flight is still arriving when the server gives up
            client.getOutputStream().write(new byte[2000]);
            server.getOutputStream().write(ALERT);
            long start = System.nanoTime();
            server.close();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(accepted.isClosed());
            assertArrayEquals(ALERT, client.getInputStream().readNBytes(ALERT.length), "the alert, not a reset");
            assertEquals(-1, client.getInputStream().read(), "then an orderly end of stream");
            assertTrue(tookMillis >= 250 && tookMillis < 5_000, "drained for about 300 ms: " + tookMillis);
        }
    }

    @Test
    void aClientThatClosesEndsTheDrainAtOnce() throws Exception {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the fastest of three: a loaded machine may stall one close
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                AlertFirstSocket server = new AlertFirstSocket(listener.accept());
                client.close();
                long start = System.nanoTime();
                server.close();
                fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
                assertTrue(server.isClosed());
            }
        }
        assertTrue(fastest < 250, "no need to wait for a client that is gone: " + fastest + " ms");
    }

    @Test
    void anEstablishedConnectionClosesWithoutLingering() throws Exception {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                AlertFirstSocket server = new AlertFirstSocket(listener.accept());
                server.established(); // the client is still connected and silent: a drain would wait 300 ms
                long start = System.nanoTime();
                server.close();
                fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
                assertTrue(server.isClosed());
            }
        }
        assertTrue(fastest < 250, "an established connection does not linger: " + fastest + " ms");
    }

    @Test
    void closingAConnectionThatIsClosedAlreadyIsHarmless() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Socket accepted = listener.accept();
            AlertFirstSocket server = new AlertFirstSocket(accepted);
            accepted.close();
            server.close();
            assertTrue(server.isClosed());
        }
    }
}
