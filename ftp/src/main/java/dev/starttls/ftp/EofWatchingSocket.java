package dev.starttls.ftp;

import dev.starttls.internal.DelegatingSocket;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The plain data socket under the TLS one, noting whether the TCP stream itself ended. JSSE treats a peer that closes
 * the connection without {@code close_notify} as if it had sent one (unless a global system property says otherwise),
 * so a cut-off download would look complete; after {@code close_notify} JSSE reads no further, so a TLS end of stream
 * with the TCP stream not at its end means a proper {@code close_notify}, and one with it means truncation.
 */
final class EofWatchingSocket extends DelegatingSocket {
    private volatile boolean tcpEnded;
    private InputStream in;

    EofWatchingSocket(Socket plain) {
        super(plain);
    }

    /** Whether the TCP stream ended (FIN or reset seen by a read). */
    boolean tcpEnded() {
        return tcpEnded;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new FilterInputStream(delegate.getInputStream()) {
                @Override
                public int read() throws IOException {
                    return note(super.read());
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return note(super.read(b, off, len));
                }
            };
        }
        return in;
    }

    private int note(int n) {
        if (n < 0) {
            tcpEnded = true;
        }
        return n;
    }
}
