package dev.starttls.cli;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * What a report shows of one certificate: subject, issuer, subjectAltNames, validity and days left, and the PEM.
 *
 * @param sans the DNS names and IP addresses of the subjectAltName extension
 * @param daysLeft whole days until notAfter, negative once expired
 */
record CertificateFacts(String subject, String issuer, List<String> sans, Instant notBefore, Instant notAfter,
        long daysLeft, String pem) {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    static CertificateFacts of(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return new CertificateFacts(certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), sans(certificate),
                certificate.getNotBefore().toInstant(), notAfter, Duration.between(now, notAfter).toDays(),
                pem(certificate));
    }

    private static List<String> sans(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == DNS_NAME || type == IP_ADDRESS) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable subjectAltName: " + e.getMessage() + ")");
        }
        return List.copyOf(names);
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate from a completed handshake cannot be encoded", e);
        }
    }
}
