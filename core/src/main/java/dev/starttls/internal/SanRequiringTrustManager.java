package dev.starttls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the JDK's PKIX trust manager: the JDK does the path validation; this adds four things. Server certificates
 * without a DNS or IP subjectAltName are refused; so are SHA-1 and MD5 signatures in the chain ({@link CryptoFloor}).
 * When the socket asks for endpoint identification, the host name is matched again by {@link HostnameMatcher}'s RFC 6125 rules, because the JDK's {@code HTTPS} identification falls back
 * to the subject CN (RFC 6125 6.4.4 and the CA/Browser Forum forbid it) and accepts {@code *.com} and partial wildcards
 * under a private CA; the JDK's own check stays, so a certificate must pass both. And every rejection is re-thrown
 * with a message a person can act on: which check failed, the subject, the SANs and the validity dates. Not API.
 */
public final class SanRequiringTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final Set<X509Certificate> trustAnchors;

    public SanRequiringTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
        this.trustAnchors = Set.copyOf(Arrays.asList(delegate.getAcceptedIssuers())); // may hold duplicates
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
        CryptoFloor.refuseWeakSignatures(chain, trustAnchors);
        if (socket instanceof SSLSocket) {
            SSLSocket tls = (SSLSocket) socket;
            requireHostMatch(chain[0], tls.getSSLParameters(), tls.getHandshakeSession());
        }
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
        CryptoFloor.refuseWeakSignatures(chain, trustAnchors);
        if (engine != null) {
            requireHostMatch(chain[0], engine.getSSLParameters(), engine.getHandshakeSession());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain(chain, e);
        }
        requireSubjectAltName(chain);
        CryptoFloor.refuseWeakSignatures(chain, trustAnchors);
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

    /**
     * The name JSSE verifies: the SNI host name when one is sent, else the host the socket was created for. Checked
     * only when the parameters ask for endpoint identification, as the JDK does.
     */
    private static void requireHostMatch(X509Certificate leaf, SSLParameters parameters, SSLSession session)
            throws CertificateException {
        String algorithm = parameters.getEndpointIdentificationAlgorithm();
        if (algorithm == null || algorithm.isEmpty()) {
            return;
        }
        String host = null;
        List<SNIServerName> serverNames = parameters.getServerNames(); // null when no SNI is set (IP literals)
        for (SNIServerName name : serverNames == null ? List.<SNIServerName>of() : serverNames) {
            if (name instanceof SNIHostName) {
                host = ((SNIHostName) name).getAsciiName();
            }
        }
        if (host == null && session != null) {
            host = session.getPeerHost();
        }
        if (host == null || !HostnameMatcher.matches(host, subjectAltNames(leaf))) {
            throw new CertificateException("certificate does not match the host name " + host + " (RFC 6125: DNS "
                    + "names match DNS subjectAltNames only, never the CN; a wildcard is a whole left-most label with "
                    + "at least two labels after it): " + describe(leaf));
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
