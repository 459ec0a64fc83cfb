package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import dev.starttls.internal.HostNames;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made in memory for one test (EC P-256 keys, made with BouncyCastle, no global
 * provider installed), and the leaf certificates it issues: for chosen names, expired, not yet valid, CN-only, or
 * self-signed.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create();
 * HeldCertificate good = ca.issue("localhost", "127.0.0.1");
 * HeldCertificate expired = ca.leaf().names("localhost").expired().build();
 * TlsPolicy client = ca.trustingPolicy();          // trusts this CA only
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private final HeldCertificate root;

    private CertificateAuthority(HeldCertificate root) {
        this.root = root;
    }

    /** A new CA with a random name, valid from an hour ago for ten years. */
    public static CertificateAuthority create() {
        return create("starttls-java test CA " + Long.toHexString(RANDOM.nextLong()));
    }

    /** A new CA with the given common name. */
    public static CertificateAuthority create(String commonName) {
        return create(commonName, SIGNATURE_ALGORITHM);
    }

    /**
     * A new CA whose own self-signature uses {@code selfSignatureAlgorithm}, such as {@code "SHA1withECDSA"} for an
     * old root: a trust anchor's self-signature is never relied on, so clients must still accept what it issues.
     */
    public static CertificateAuthority create(String commonName, String selfSignatureAlgorithm) {
        KeyPair keys = newKeyPair("EC");
        Instant now = Instant.now();
        X500Principal name = new X500Principal("CN=" + commonName + ", O=starttls-java testkit");
        X509Certificate cert = sign(name, keys, name, keys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(3650)), true, List.of(), selfSignatureAlgorithm);
        return new CertificateAuthority(new HeldCertificate(keys, List.of(cert)));
    }

    /** The CA's own certificate, the one clients trust. */
    public X509Certificate certificate() {
        return root.certificate();
    }

    /** The CA certificate as PEM. */
    public String certificatePem() {
        return root.certificatePem();
    }

    /** Writes the CA certificate as PEM to {@code file} (for {@code TlsPolicy.Builder.trustPem}, CLIs, servers). */
    public Path writeCertificatePem(Path file) throws IOException {
        return Files.writeString(file, certificatePem());
    }

    /**
     * Writes the CA certificate as a PKCS#12 trust store (one trusted-certificate entry, alias {@code "ca"}) to
     * {@code file}, for tools outside this JVM: {@code keytool}, {@code -Djavax.net.ssl.trustStore}, a server's
     * configuration, {@code openssl pkcs12}.
     */
    public Path writeTrustStore(Path file, char[] password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate());
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write a PKCS#12 trust store to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * A client policy that trusts this CA and nothing else, with the other defaults; its TLS provider is the one named
     * by the system property {@value #PROVIDER_PROPERTY} if set (for example {@code StartTls-BoringSSL}), else JSSE.
     */
    public TlsPolicy trustingPolicy() {
        return TlsPolicy.builder().trustCertificates(certificate()).provider(providerUnderTest()).build();
    }

    /**
     * The system property that names the JCA provider of every {@link #trustingPolicy()}, so that a whole test suite
     * can be run again under another TLS provider: {@code -Dstarttls.testkit.provider=StartTls-BoringSSL}. The
     * provider is looked up among the installed ones, then with {@code ServiceLoader}.
     */
    public static final String PROVIDER_PROPERTY = "starttls.testkit.provider";

    /** The provider {@value #PROVIDER_PROPERTY} names, or null (JSSE) when it is not set. */
    public static Provider providerUnderTest() {
        String name = System.getProperty(PROVIDER_PROPERTY, "");
        if (name.isEmpty()) {
            return null;
        }
        return ProviderUnderTest.find(name);
    }

    /** One instance per name, found once: every policy then shares the provider's native library state. */
    private static final class ProviderUnderTest {
        private static Provider found;

        static synchronized Provider find(String name) {
            if (found != null && found.getName().equals(name)) {
                return found;
            }
            Provider provider = Security.getProvider(name);
            if (provider == null) {
                for (Provider candidate : ServiceLoader.load(Provider.class)) {
                    if (candidate.getName().equals(name)) {
                        provider = candidate;
                        break;
                    }
                }
            }
            if (provider == null) {
                throw new IllegalStateException("no JCA provider named " + name + " (system property "
                        + PROVIDER_PROPERTY + ") is installed or on the class path");
            }
            found = provider;
            return provider;
        }
    }

    /** A leaf for these DNS names and IP literals (as SANs; the first is also the CN), valid for a day. */
    public HeldCertificate issue(String... names) {
        return leaf().names(names).build();
    }

    /** A builder for a leaf signed by this CA. */
    public LeafBuilder leaf() {
        return new LeafBuilder(this);
    }

    /** A self-signed certificate for these names, which no CA vouches for. */
    public static HeldCertificate selfSigned(String... names) {
        KeyPair keys = newKeyPair("EC");
        X500Principal subject = new X500Principal("CN=" + names[0]);
        Instant now = Instant.now();
        X509Certificate cert = sign(subject, keys, subject, keys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), false, Arrays.asList(names), SIGNATURE_ALGORITHM);
        return new HeldCertificate(keys, List.of(cert));
    }

    /**
     * Builds a leaf certificate.
     *
     * <pre>{@code
     * HeldCertificate cnOnly = ca.leaf().commonName("localhost").build();   // no SAN at all
     * }</pre>
     *
     * <p>Builders are not thread-safe.
     *
     * @since 0.1
     */
    public static final class LeafBuilder {
        private final CertificateAuthority issuer;
        private final List<String> names = new ArrayList<>();
        private String commonName;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
        private String keyAlgorithm = "EC";
        private String signatureAlgorithm = SIGNATURE_ALGORITHM;

        private LeafBuilder(CertificateAuthority issuer) {
            this.issuer = issuer;
        }

        /** DNS names and IP literals to put in the subjectAltName extension. */
        public LeafBuilder names(String... names) {
            this.names.addAll(Arrays.asList(names));
            return this;
        }

        /** The subject CN; defaults to the first name. */
        public LeafBuilder commonName(String commonName) {
            this.commonName = Objects.requireNonNull(commonName);
            return this;
        }

        /** The validity period. */
        public LeafBuilder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        /** Valid for a day that ended yesterday. */
        public LeafBuilder expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
        }

        /** Valid from tomorrow on. */
        public LeafBuilder notYetValid() {
            Instant now = Instant.now();
            return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
        }

        /** An RSA 2048 key instead of EC P-256, for servers that must do RSA key exchange or RSA signatures. */
        public LeafBuilder rsa() {
            this.keyAlgorithm = "RSA";
            return this;
        }

        /**
         * The algorithm the CA signs this leaf with; {@code SHA256withECDSA} by default, {@code SHA1withECDSA} for a
         * legacy certificate that clients must refuse.
         */
        public LeafBuilder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = Objects.requireNonNull(algorithm);
            return this;
        }

        /** Signs the leaf with the CA's key. */
        public HeldCertificate build() {
            String cn = commonName != null ? commonName : names.isEmpty() ? "unnamed" : names.get(0);
            KeyPair keys = newKeyPair(keyAlgorithm);
            HeldCertificate ca = issuer.root;
            X509Certificate cert = sign(new X500Principal("CN=" + cn), keys, ca.certificate().getSubjectX500Principal(),
                    new KeyPair(ca.certificate().getPublicKey(), ca.privateKey()), notBefore, notAfter, false, names,
                    signatureAlgorithm);
            return new HeldCertificate(keys, List.of(cert, ca.certificate()));
        }
    }

    private static KeyPair newKeyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an " + algorithm + " key pair", e);
        }
    }

    private static X509Certificate sign(X500Principal subject, KeyPair subjectKeys, X500Principal issuer,
            KeyPair issuerKeys, Instant notBefore, Instant notAfter, boolean isCa, List<String> names,
            String signatureAlgorithm) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                // keyEncipherment too: RSA key exchange (TLS_RSA_*) encrypts the premaster secret to the leaf's key
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (!names.isEmpty()) {
                List<GeneralName> sans = new ArrayList<>();
                for (String name : names) {
                    sans.add(HostNames.isIpLiteral(name)
                            ? new GeneralName(GeneralName.iPAddress,
                                    new org.bouncycastle.asn1.DEROctetString(
                                            InetAddress.getByName(HostNames.unbracket(name)).getAddress()))
                            : new GeneralName(GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(issuerKeys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }
}
