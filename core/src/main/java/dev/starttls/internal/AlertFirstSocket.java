package dev.starttls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The accepted socket as JSSE sees it under a server TLS socket. When a server-side handshake fails, JSSE writes its
 * alert and closes the socket at once; closing a socket with unread input (the client's Finished, or under TLS 1.3 its
 * first command) sends a reset that can overtake the alert, and the client then reports "broken pipe" instead of why
 * it was refused (a missing client certificate). Until the handshake has succeeded, closing this socket therefore
 * sends FIN after the alert and reads what the client still sends for a short while before it closes. Not API.
 */
public final class AlertFirstSocket extends DelegatingSocket {
    private static final long LINGER_NANOS = 300_000_000L;

    private volatile boolean established;

    public AlertFirstSocket(Socket accepted) {
        super(accepted);
    }

    /** The handshake succeeded: from now on a close is a plain close. */
    public void established() {
        established = true;
    }

    @Override
    public void close() throws IOException {
        if (!established && !delegate.isClosed()) {
            letTheAlertArrive();
        }
        delegate.close();
    }

    private void letTheAlertArrive() {
        try {
            delegate.shutdownOutput();
            delegate.setSoTimeout(100);
            InputStream in = delegate.getInputStream();
            byte[] discard = new byte[4096];
            long end = System.nanoTime() + LINGER_NANOS;
            while (System.nanoTime() < end) {
                try {
                    if (in.read(discard) < 0) {
                        return; // the client closed: nothing left to reset
                    }
                } catch (SocketTimeoutException quiet) {
                    // nothing yet; a client that writes late still gets the alert, not a reset
                }
            }
        } catch (IOException e) {
            // closed or reset already: close anyway
        }
    }
}
