package dev.starttls.testkit;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP_QUICKACK on the front's connection to GreenMail. GreenMail writes a multi-line reply one line per write without
 * TCP_NODELAY, so its second line waits (Nagle) for our ACK of the first, which Linux delays by up to 40 ms: two such
 * stalls made every STARTTLS upgrade through the front take ~90 ms instead of ~5 ms. Acknowledging at once removes
 * them. The kernel leaves quick-ACK mode by itself, so callers re-arm it before each read. Linux only; elsewhere
 * this does nothing.
 */
final class QuickAck {
    private QuickAck() {
    }

    static void enable(Socket socket) {
        if (socket instanceof SSLSocket) {
            return;
        }
        try {
            if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
                socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a speed-up
        }
    }
}
