package dev.starttls.internal;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/** Maps the JDK's exceptions to {@link TlsUpgradeException} kinds, in one place. Not API. */
public final class Failures {
    private static final int CLOSE_WAIT_MILLIS = 250;

    private Failures() {
    }

    /**
     * The {@link TlsUpgradeException} for an I/O failure during {@code step} (for example {@code "during the TLS
     * handshake with mail.example.com:587"}); a {@link TlsUpgradeException} is returned unchanged.
     */
    public static TlsUpgradeException of(IOException e, String step) {
        if (e instanceof TlsUpgradeException) {
            return (TlsUpgradeException) e;
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new TlsUpgradeException(kindOf(e), step + ": " + detail, e);
    }

    /** The kind of an I/O failure that is not already a {@link TlsUpgradeException}. */
    public static Failure kindOf(IOException e) {
        if (hasCause(e, CertificateException.class)) {
            return Failure.CERTIFICATE;
        }
        if (e instanceof SocketTimeoutException) {
            return Failure.TIMEOUT;
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException) {
            return Failure.CONNECT;
        }
        if (e instanceof SSLException) {
            // JSSE reports a peer that closed mid-handshake as SSLHandshakeException caused by EOFException
            return hasCause(e, EOFException.class) || hasCause(e, SocketException.class)
                    ? Failure.CLOSED : Failure.HANDSHAKE;
        }
        return Failure.CLOSED;
    }

    /**
     * Closes every argument, ignoring failures; for cleanup on an error path. A TLS socket gets a short read timeout
     * first: JSSE's {@code close()} waits for the peer's close_notify for up to {@code SO_TIMEOUT}, and a peer that
     * never answers must not hold the caller for the whole read timeout.
     */
    public static void closeQuietly(Closeable... closeables) {
        for (Closeable c : closeables) {
            if (c != null) {
                if (c instanceof SSLSocket && !((SSLSocket) c).isClosed()) {
                    try {
                        ((SSLSocket) c).setSoTimeout(CLOSE_WAIT_MILLIS);
                    } catch (IOException ignored) {
                        // the underlying socket is gone already; close() below still releases the TLS socket
                    }
                }
                try {
                    c.close();
                } catch (IOException | RuntimeException ignored) {
                    // already failing; the original exception is what matters
                }
            }
        }
    }

    /** Whether {@code t} or any of its causes is a {@code type}. */
    public static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
