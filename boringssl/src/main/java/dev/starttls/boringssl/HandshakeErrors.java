package dev.starttls.boringssl;

import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns BoringSSL's handshake errors into messages a person can act on, keeping the original as the cause: a refused
 * certificate says why (the trust manager's words, not netty's "General OpenSslEngine problem"), and an error code
 * such as {@code error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL} becomes "BoringSSL: unsupported
 * protocol". Not API.
 */
final class HandshakeErrors {
    private static final Pattern REASON = Pattern.compile("error:[0-9a-fA-F]+:[^:]*:[^:]*:([A-Z0-9_]+)");

    private HandshakeErrors() {
    }

    static SSLException explain(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return withCause(new SSLHandshakeException(t.getMessage()), e);
            }
        }
        String message = String.valueOf(e.getMessage());
        Matcher reason = REASON.matcher(message);
        if (reason.find()) {
            return withCause(new SSLHandshakeException("BoringSSL: "
                    + reason.group(1).toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + message + ")"), e);
        }
        return e;
    }

    private static SSLException withCause(SSLException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
