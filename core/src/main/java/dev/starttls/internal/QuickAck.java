package dev.starttls.internal;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;

/**
 * Re-arms TCP_QUICKACK on a plain socket before a read, so that a server whose small writes wait for our ACK (Nagle on
 * a server without TCP_NODELAY: Postfix writing its TLS 1.3 ticket and the 220 greeting back to back, GreenMail writing
 * a multi-line reply line by line) never waits for Linux's delayed ACK, up to 40 ms each time. The kernel leaves
 * quick-ACK mode by itself, so setting it once does nothing: it is re-armed before every read. Linux only; elsewhere
 * this does nothing. Not API.
 */
public final class QuickAck {
    private static final boolean SUPPORTED = supported();

    private QuickAck() {
    }

    /** Re-arms quick ACKs on {@code socket} (a plain socket; TLS sockets are re-armed on the socket under them). */
    public static void rearm(Socket socket) {
        if (!SUPPORTED || socket instanceof SSLSocket) {
            return;
        }
        try {
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | UnsupportedOperationException e) {
            // only a speed-up; a closed socket fails its read right after
        }
    }

    private static boolean supported() {
        try (Socket probe = new Socket()) {
            return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
