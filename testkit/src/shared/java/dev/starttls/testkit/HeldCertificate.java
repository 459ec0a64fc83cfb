package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A certificate with its private key and chain, made in memory for a test; export it as PEM files, as a
 * {@link KeyStore}, or as a ready server {@link TlsPolicy}.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create();
 * HeldCertificate server = ca.issue("localhost", "127.0.0.1");
 * TlsPolicy serverSide = server.serverPolicy();
 * TlsPolicy clientSide = ca.trustingPolicy();
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @since 0.1
 */
public final class HeldCertificate {
    private static final String KEY_STORE_PASSWORD = "changeit";

    private final KeyPair keyPair;
    private final List<X509Certificate> chain;
    private final Object serverPolicyLock = new Object();
    private volatile TlsPolicy serverPolicy;

    HeldCertificate(KeyPair keyPair, List<X509Certificate> chain) {
        this.keyPair = keyPair;
        this.chain = List.copyOf(chain);
    }

    /** The certificate itself (the leaf). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The chain presented in a handshake: this certificate, then its issuers (without a self-signed root). */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /**
     * The password of every key store this class makes (these keys are throwaway test keys); a new array each time,
     * so a caller that clears it after use changes nothing for others.
     */
    public static char[] keyStorePassword() {
        return KEY_STORE_PASSWORD.toCharArray();
    }

    /** A PKCS#12 key store holding the key and chain under alias {@code "key"}, password {@link #keyStorePassword()}. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", keyPair.getPrivate(), keyStorePassword(), chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store", e);
        }
    }

    /**
     * A policy for the server side of an upgrade that presents this certificate; the same instance every time, so
     * servers using it share one session cache and ticket key and clients can resume.
     */
    public TlsPolicy serverPolicy() {
        TlsPolicy policy = serverPolicy;
        if (policy == null) {
            synchronized (serverPolicyLock) { // built once: threads asking at once must share one session cache
                policy = serverPolicy;
                if (policy == null) {
                    policy = TlsPolicy.builder().serverCertificate(keyStore(), keyStorePassword()).build();
                    serverPolicy = policy;
                }
            }
        }
        return policy;
    }

    /** The certificate as PEM. */
    public String certificatePem() {
        return pem(certificate());
    }

    /** The whole chain as PEM, leaf first. */
    public String chainPem() {
        return pem(chain.toArray());
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as OpenSSL, nginx and Java read it. */
    public String privateKeyPem() {
        try {
            return pem(new JcaPKCS8Generator(keyPair.getPrivate(), null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    /** Writes the chain (leaf first) to {@code chainFile} and the PKCS#8 key to {@code keyFile}, for real servers. */
    public void writePem(Path chainFile, Path keyFile) throws IOException {
        Files.writeString(chainFile, chainPem());
        Files.writeString(keyFile, privateKeyPem());
    }

    /** Writes the certificate as PEM to {@code file} and returns it. */
    public Path writeCertificatePem(Path file) throws IOException {
        return Files.writeString(file, certificatePem());
    }

    static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "HeldCertificate{" + certificate().getSubjectX500Principal() + ", valid until "
                + certificate().getNotAfter().toInstant() + '}';
    }
}
