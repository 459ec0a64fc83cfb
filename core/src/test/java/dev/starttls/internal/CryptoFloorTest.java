package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import java.math.BigInteger;
import java.security.AlgorithmConstraints;
import java.security.CryptoPrimitive;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import org.junit.jupiter.api.Test;

/** What the defaults refuse below TLS: suites without forward secrecy or AEAD, small DH groups, SHA-1/MD5 chains. */
class CryptoFloorTest {
    private static final Set<CryptoPrimitive> KEY_AGREEMENT = EnumSet.of(CryptoPrimitive.KEY_AGREEMENT);

    @Test
    void keepsOnlyForwardSecretAeadSuitesInTheJdksOrder() {
        String[] jdk = {
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
            "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "XTLS_AES_128_GCM_SHA256"
        };
        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
                CryptoFloor.modernSuites(jdk));
    }

    @Test
    void refusesDiffieHellmanGroupsUnder2048Bits() throws Exception {
        AlgorithmConstraints constraints = CryptoFloor.constraints();
        assertFalse(constraints.permits(KEY_AGREEMENT, dhKeyOfBits(1024)));
        assertFalse(constraints.permits(KEY_AGREEMENT, "DH", dhKeyOfBits(2047), null));
        assertTrue(constraints.permits(KEY_AGREEMENT, dhKeyOfBits(2048)));
        assertTrue(constraints.permits(KEY_AGREEMENT, "DH", dhKeyOfBits(2048), null));
        assertTrue(constraints.permits(KEY_AGREEMENT, CertificateAuthority.create().certificate().getPublicKey()),
                "other keys are left to the JDK");
        assertTrue(constraints.permits(KEY_AGREEMENT, "SHA1withRSA", null), "names are left to the JDK");
    }

    /** A DH public key whose prime has exactly {@code bits} bits (only the parameters are looked at). */
    private static DHPublicKey dhKeyOfBits(int bits) throws Exception {
        BigInteger p = BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.ONE);
        DHParameterSpec spec = new DHParameterSpec(p, BigInteger.TWO);
        return new DHPublicKey() {
            @Override
            public BigInteger getY() {
                return BigInteger.TWO;
            }

            @Override
            public DHParameterSpec getParams() {
                return spec;
            }

            @Override
            public String getAlgorithm() {
                return "DH";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };
    }

    @Test
    void refusesASha1SignatureInTheChainNamingIt() {
        CertificateAuthority ca = CertificateAuthority.create();
        HeldCertificate sha1 = ca.leaf().names("mail.example.com").signatureAlgorithm("SHA1withECDSA").build();
        CertificateException e = assertThrows(CertificateException.class, () -> CryptoFloor.refuseWeakSignatures(
                sha1.chain().toArray(X509Certificate[]::new), Set.of(ca.certificate())));
        assertTrue(e.getMessage().startsWith("certificate is signed with SHA1withECDSA, which is refused"),
                e.getMessage());
    }

    @Test
    void acceptsSha256ChainsAndWhateverFollowsATrustAnchor() throws Exception {
        CertificateAuthority sha1Root = CertificateAuthority.create("Old Root", "SHA1withECDSA");
        HeldCertificate leaf = sha1Root.issue("mail.example.com");
        X509Certificate[] chain = {leaf.certificate(), sha1Root.certificate()};
        // the root's own SHA-1 self-signature is never relied on, whether it is the anchor or just sent along
        assertDoesNotThrow(() -> CryptoFloor.refuseWeakSignatures(chain, Set.of(sha1Root.certificate())));
        assertDoesNotThrow(() -> CryptoFloor.refuseWeakSignatures(chain, Set.of()));
        X509Certificate anchorFirst = sha1Root.certificate();
        assertDoesNotThrow(() -> CryptoFloor.refuseWeakSignatures(new X509Certificate[] {anchorFirst},
                Set.of(anchorFirst)));
    }

    @Test
    void aSelfSignedSha1LeafIsRefusedWhenItIsNotAnAnchor() {
        CertificateAuthority sha1Root = CertificateAuthority.create("Old Root", "SHA1withECDSA");
        X509Certificate[] chain = {sha1Root.certificate()};
        assertThrows(CertificateException.class, () -> CryptoFloor.refuseWeakSignatures(chain, Set.of()));
    }
}
