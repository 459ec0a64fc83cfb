package dev.starttls.internal;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.interfaces.DHKey;

/**
 * What the policy refuses even though TLS 1.2 and the JDK still allow it, per {@code SSLContext} and socket, never
 * through {@code Security.setProperty}: suites without forward secrecy or AEAD, Diffie-Hellman groups under 2048 bits,
 * and SHA-1 or MD5 signatures in the server's chain. Not API.
 */
public final class CryptoFloor {
    /** The smallest finite-field Diffie-Hellman group accepted when a caller enables DHE suites (NIST SP 800-57). */
    public static final int MIN_DH_BITS = 2048;

    // TLS 1.3 suites, and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305: forward secrecy and AEAD only
    private static final Pattern MODERN_SUITE = Pattern.compile("TLS_(AES_\\d+_GCM_SHA\\d+|CHACHA20_POLY1305_SHA256)"
            + "|TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_\\d+_GCM_SHA\\d+|CHACHA20_POLY1305_SHA256)");

    private static final AlgorithmConstraints DH_AT_LEAST_2048 = new AlgorithmConstraints() {
        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return true; // names are left to the JDK's own constraints
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return !(key instanceof DHKey) || ((DHKey) key).getParams().getP().bitLength() >= MIN_DH_BITS;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key,
                AlgorithmParameters parameters) {
            return permits(primitives, key);
        }
    };

    private CryptoFloor() {
    }

    /** The modern subset of the JDK's enabled suites, in the JDK's order of preference. */
    public static List<String> modernSuites(String[] jdkEnabledSuites) {
        List<String> modern = new ArrayList<>();
        for (String suite : jdkEnabledSuites) {
            if (MODERN_SUITE.matcher(suite).matches()) {
                modern.add(suite);
            }
        }
        return List.copyOf(modern);
    }

    /**
     * Constraints added to the JDK's for one socket ({@code SSLParameters.setAlgorithmConstraints}): refuses
     * Diffie-Hellman keys under {@link #MIN_DH_BITS} bits, so a caller who enables DHE suites still gets no weak group.
     */
    public static AlgorithmConstraints constraints() {
        return DH_AT_LEAST_2048;
    }

    /**
     * Refuses a server chain with a SHA-1 or MD5 signature (SHAttered, RFC 9155), except where a trust anchor signs
     * itself (or a root the server sends along does): that signature is never relied on. The JDK refuses SHA-1 only under its own root CAs.
     */
    public static void refuseWeakSignatures(X509Certificate[] chain, Set<X509Certificate> trustAnchors)
            throws CertificateException {
        for (int i = 0; i < chain.length; i++) {
            X509Certificate certificate = chain[i];
            if (trustAnchors.contains(certificate)) {
                return; // the path ends at an anchor: what it and anything after it carry is not relied on
            }
            if (i > 0 && certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue; // a root sent along (perhaps an older copy of an anchor): its self-signature is not relied on
            }
            String algorithm = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
            if (algorithm.contains("SHA1") || algorithm.contains("SHA-1") || algorithm.contains("MD5")
                    || algorithm.contains("MD2")) {
                throw new CertificateException("certificate is signed with " + certificate.getSigAlgName()
                        + ", which is refused (SHA-1 and MD5 signatures can be forged): "
                        + SanRequiringTrustManager.describe(certificate));
            }
        }
    }
}
