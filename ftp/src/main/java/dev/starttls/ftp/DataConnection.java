package dev.starttls.ftp;

import dev.starttls.Handshake;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.internal.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * One data connection of an {@link FtpSession}, open from the server's {@code 150} to its {@code 226}: the download
 * stream that refuses to end without TLS {@code close_notify}, and the upload stream whose close sends it. The session
 * reads the final reply through {@link Completion}.
 */
final class DataConnection {
    /** What the session does when a transfer's data connection is done: read the final reply. */
    @FunctionalInterface
    interface Completion {
        void complete(boolean abandoned) throws TlsUpgradeException;
    }

    private static final int MAX_DRAINED = 1 << 16;

    private final Socket socket;
    private final EofWatchingSocket watch;
    private final Handshake handshake;
    private final String what;
    private final Completion completion;
    private boolean done;

    DataConnection(Socket socket, EofWatchingSocket watch, Handshake handshake, String what, Completion completion) {
        this.socket = socket;
        this.watch = watch;
        this.handshake = handshake;
        this.what = what;
        this.completion = completion;
    }

    Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }

    /** The download: ends normally only after TLS close_notify and the server's 226. */
    InputStream input() throws TlsUpgradeException {
        InputStream in = stream(() -> socket.getInputStream());
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                int n;
                try {
                    n = in.read(b, off, len);
                } catch (IOException e) {
                    finish(true);
                    throw new TlsUpgradeException(Failure.CLOSED, what + " was cut off: " + e.getMessage()
                            + ": the data received is truncated", e);
                }
                if (n < 0) {
                    boolean truncated = handshake != null && watch.tcpEnded();
                    finish(false);
                    if (truncated) {
                        // RFC 4217 12.6 / RFC 8446 6.1: only close_notify proves the sender meant to stop here
                        throw new TlsUpgradeException(Failure.CLOSED, what + " ended without TLS close_notify: "
                                + "the data received may be truncated");
                    }
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    finish(true);
                }
            }
        };
    }

    /** The upload: closing it sends close_notify, closes the connection and requires the server's 226. */
    OutputStream output() throws TlsUpgradeException {
        OutputStream out = stream(() -> socket.getOutputStream());
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (done) {
                    throw new IOException(what + " is closed");
                }
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    finish(true);
                    throw Failures.of(e, what + " failed");
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    try {
                        out.flush();
                        halfClose();
                    } finally {
                        finish(false);
                    }
                }
            }
        };
    }

    private void halfClose() throws IOException {
        if (socket instanceof SSLSocket) {
            endUpload(socket);
        }
    }

    /**
     * Ends an upload the TLS way: close_notify (RFC 8446 6.1), then reads until the server's close_notify. The reading
     * matters: under TLS 1.3 the server's session ticket for this connection arrives after the handshake, and JSSE
     * uses a ticket once, so the next data connection can resume only if this one's ticket was read (FIELD-NOTES).
     */
    static void endUpload(Socket tls) throws IOException {
        tls.shutdownOutput();
        InputStream in = tls.getInputStream();
        byte[] drain = new byte[4096];
        for (int total = 0, n; total < MAX_DRAINED && (n = in.read(drain)) >= 0; total += n) {
            // the server sends nothing on an upload's data connection but its ticket and close_notify
        }
    }

    /** Closes the data connection (with close_notify when TLS) and reads the final reply, once. */
    private void finish(boolean abandoned) throws TlsUpgradeException {
        done = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // the reply on the control connection says whether the transfer succeeded
        }
        completion.complete(abandoned);
    }

    /** One stream of the socket; closes the connection if it cannot be had. */
    private <T> T stream(StreamSource<T> source) throws TlsUpgradeException {
        try {
            return source.get();
        } catch (IOException e) {
            finish(true);
            throw Failures.of(e, "cannot use " + what);
        }
    }

    @FunctionalInterface
    private interface StreamSource<T> {
        T get() throws IOException;
    }
}
