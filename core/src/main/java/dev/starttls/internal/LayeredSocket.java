package dev.starttls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The plain socket as JSSE sees it under a client TLS socket: it reports the resumption port as its peer port (JDK 17
 * keys the client session cache on the peer host and the <em>underlying</em> socket's {@code getPort()}, ignoring the
 * port given to {@code createSocket}), and it keeps the first bytes the server sent, so that a server that answers a
 * ClientHello in clear can be named ("this looks like a STARTTLS port"); and it re-arms TCP_QUICKACK before each read
 * ({@link QuickAck}). Not API.
 */
public final class LayeredSocket extends DelegatingSocket {
    private static final int KEPT = 64;
    private static final long INTERACTIVE_BYTES = 64 * 1024;

    private final int resumptionPort;
    private final byte[] first = new byte[KEPT];
    private int firstLength;
    private long received;
    private InputStream in;

    public LayeredSocket(Socket plain, int resumptionPort) {
        super(plain);
        this.resumptionPort = resumptionPort;
    }

    @Override
    public int getPort() {
        return resumptionPort;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            InputStream raw = delegate.getInputStream();
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (received < INTERACTIVE_BYTES) {
                        // handshake and dialogue: no 40 ms delayed-ACK stall; a bulk stream past that needs none,
                        // and saves a system call per TLS record
                        QuickAck.rearm(delegate);
                    }
                    int n = raw.read(b, off, len);
                    received += Math.max(0, n);
                    keep(b, off, n);
                    return n;
                }

                @Override
                public int available() throws IOException {
                    return raw.available();
                }

                @Override
                public void close() throws IOException {
                    raw.close();
                }
            };
        }
        return in;
    }

    private void keep(byte[] b, int off, int n) {
        if (n > 0 && firstLength < KEPT) {
            int copy = Math.min(n, KEPT - firstLength);
            System.arraycopy(b, off, first, firstLength, copy);
            firstLength += copy;
        }
    }

    /**
     * The first bytes received, as text, if they look like a plaintext protocol line (printable ASCII up to the first
     * line end); empty otherwise.
     */
    public String firstLineIfText() {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < firstLength; i++) {
            int c = first[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                return "";
            }
            line.append((char) c);
        }
        return line.length() >= 3 ? line.toString() : "";
    }
}
