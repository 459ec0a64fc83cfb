package dev.starttls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the JDK's PKIX trust manager: the JDK does all path and host name checks; this adds two things. Server
 * certificates without a DNS or IP subjectAltName are refused, because the JDK's {@code HTTPS} identification falls
 * back to the subject CN, which RFC 6125 6.4.4 and the CA/Browser Forum forbid. And every rejection is re-thrown with a
 * message a person can act on: which check failed, the subject, the SANs and the validity dates. Not API.
 */
public final class SanRequiringTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    public SanRequiringTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
        requireSubjectAltName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
        requireSubjectAltName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
        requireSubjectAltName(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private static void requireSubjectAltName(X509Certificate[] chain) throws CertificateException {
        X509Certificate leaf = chain[0];
        if (subjectAltNames(leaf).isEmpty()) {
            throw new CertificateException("certificate has no DNS or IP subjectAltName and CN-only certificates are "
                    + "refused (RFC 6125 6.4.4): " + describe(leaf));
        }
    }

    private static CertificateException explain(X509Certificate[] chain, CertificateException e) {
        X509Certificate leaf = chain[0];
        String what;
        if (Failures.hasCause(e, CertificateExpiredException.class)) {
            what = "certificate has expired";
        } else if (Failures.hasCause(e, CertificateNotYetValidException.class)) {
            what = "certificate is not yet valid";
        } else if (String.valueOf(e.getMessage()).contains("No subject alternative")
                || String.valueOf(e.getMessage()).contains("No name matching")) {
            what = "certificate does not match the host name (" + e.getMessage() + ")";
        } else if (chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            what = "certificate is self-signed and not trusted";
        } else {
            what = "certificate is not trusted: no path to a trusted CA (issuer " + leaf.getIssuerX500Principal() + ")";
        }
        return new CertificateException(what + ": " + describe(leaf), e);
    }

    /** Subject, SANs and validity of a certificate, for messages. */
    public static String describe(X509Certificate c) {
        return "subject " + c.getSubjectX500Principal() + ", SANs " + subjectAltNames(c)
                + ", valid " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant();
    }

    /** The DNS and IP subjectAltNames of a certificate, as {@code DNS:name} / {@code IP:address}. */
    public static List<String> subjectAltNames(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        names.add("DNS:" + san.get(1));
                    } else if (type == 7) {
                        names.add("IP:" + san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unparsable extension counts as no SAN; the caller refuses the certificate
        }
        return names;
    }
}
