package dev.starttls.bench;

import dev.starttls.internal.DelegatingSocket;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;

/**
 * The bench's own switch for the floor: a plain socket whose reads re-arm {@code TCP_QUICKACK} first, the way core's
 * {@code QuickAck} does under the library, so the bare JSSE floor can be measured with and without it.
 */
final class QuickAckSocket extends DelegatingSocket {
    QuickAckSocket(Socket plain) {
        super(plain);
    }

    static void rearm(Socket plain) {
        try {
            plain.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux: nothing to re-arm
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new FilterInputStream(delegate.getInputStream()) {
            @Override
            public int read() throws IOException {
                rearm(delegate);
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                rearm(delegate);
                return super.read(b, off, len);
            }
        };
    }
}
