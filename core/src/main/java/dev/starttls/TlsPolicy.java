package dev.starttls;

import dev.starttls.internal.CryptoFloor;
import dev.starttls.internal.SanRequiringTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one immutable place where trust, protocols, cipher suites, timeouts, limits and required-versus-opportunistic
 * live. It owns one {@link SSLContext}, built once, so TLS sessions are cached and resumed across connections made
 * with the same policy.
 *
 * <pre>{@code
 * TlsPolicy policy = TlsPolicy.builder()
 *         .trustPem(Path.of("company-ca.pem"))     // only this CA, instead of the JDK's trust store
 *         .handshakeTimeout(Duration.ofSeconds(5))
 *         .build();
 * try (SmtpSession smtp = SmtpTls.upgrade(socket, "mail.example.com", policy)) { ... }
 * }</pre>
 *
 * <p>{@link #defaults()} is the safe choice: the JDK's trust store, TLSv1.3 and TLSv1.2 only, TLS 1.2 only with ECDHE
 * and AEAD suites, no SHA-1 or MD5 signature in the server's chain, host name verification
 * on (the JDK's {@code HTTPS} endpoint identification plus RFC 6125 6.4 rules of our own: a DNS name matches only DNS
 * subjectAltNames, never the CN; a wildcard is a whole left-most label with at least two labels after it; applied to
 * the name the caller connected to, never to a reverse-DNS name), STARTTLS required, and
 * finite connect, read and handshake timeouts. Nothing here reads system properties or changes global state. The TLS
 * work is JSSE's unless {@link Builder#provider} names another provider (the optional {@code starttls-boringssl}).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class TlsPolicy {
    /** Which client certificates a server asks for; only used on the server side of an upgrade. */
    public enum ClientAuth {
        /** No client certificate is requested. */
        NONE,
        /** A client certificate is requested and verified if sent. */
        OPTIONAL,
        /** A client certificate is required; the handshake fails without one. */
        REQUIRE
    }

    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    /** Built on first use, not when the class loads: it reads the JDK's trust store. */
    private static final class Defaults {
        static final TlsPolicy INSTANCE = builder().build();
    }

    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> explicitCipherSuites;
    private final List<String> applicationProtocols;
    private final List<X509Certificate> trustedCertificates;
    private final KeyStore trustStore;
    private final KeyStore identityStore;
    private final char[] identityPassword;
    private final ClientAuth clientAuth;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration handshakeTimeout;
    private final Duration writeTimeout;
    private final Duration writeTimeoutSetting; // null: follows the read timeout when copied and changed
    private final boolean opportunistic;
    private final int maxLineLength;
    private final int maxReplyLines;
    private final long maxMessageSize;
    private final Provider provider;
    private final SSLContext sslContext;
    private final SSLSocketFactory socketFactory;

    private TlsPolicy(Builder b, SSLContext sslContext) {
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites.isEmpty()
                ? CryptoFloor.modernSuites(sslContext.getDefaultSSLParameters().getCipherSuites()) : b.cipherSuites;
        this.explicitCipherSuites = b.cipherSuites;
        this.applicationProtocols = b.applicationProtocols;
        this.trustedCertificates = List.copyOf(b.trustedCertificates);
        this.trustStore = b.trustStore;
        this.identityStore = b.identityStore;
        this.identityPassword = b.identityPassword == null ? null : b.identityPassword.clone();
        this.clientAuth = b.clientAuth;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.writeTimeout = b.writeTimeout != null ? b.writeTimeout : b.readTimeout;
        this.writeTimeoutSetting = b.writeTimeout;
        this.opportunistic = b.opportunistic;
        this.maxLineLength = b.maxLineLength;
        this.maxReplyLines = b.maxReplyLines;
        this.maxMessageSize = b.maxMessageSize;
        this.provider = b.provider;
        this.sslContext = sslContext;
        this.socketFactory = new PolicySocketFactory(this);
    }

    /** The secure defaults described in the class documentation. */
    public static TlsPolicy defaults() {
        return Defaults.INSTANCE;
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this policy, to copy and change it. */
    public Builder newBuilder() {
        return new Builder(this);
    }

    /** The enabled TLS versions, most preferred first. */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * The enabled cipher suites, most preferred first. Unless {@link Builder#cipherSuites} chose others: the TLS 1.3
     * suites and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 that this JDK enables, nothing without forward secrecy,
     * no CBC, no DHE.
     */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** The ALPN protocols offered (client) or accepted (server), most preferred first; empty means no ALPN. */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** How long connecting a TCP socket may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long one whole reply may take to arrive, however slowly it drips. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** How long the TLS handshake may take in total. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * How long one write (a command, a message) may block on a peer that stopped reading; the socket is closed when it
     * passes. Equal to the read timeout unless set.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * Whether a missing or refused STARTTLS lets the dialogue continue in plaintext (the session then says that TLS
     * is off) instead of failing with {@code STARTTLS_NOT_OFFERED} / {@code STARTTLS_REFUSED}. Certificate and
     * handshake failures fail in both modes.
     */
    public boolean isOpportunistic() {
        return opportunistic;
    }

    /** The longest line accepted from a server, in bytes without the line ending. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** The most lines accepted in one multi-line reply. */
    public int maxReplyLines() {
        return maxReplyLines;
    }

    /**
     * The largest message or literal accepted from a server (POP3 RETR, IMAP FETCH), in bytes; buffers grow with
     * what actually arrives and are never sized from what a server declares.
     */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Which client certificates the server side of an upgrade asks for. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The {@link SSLContext} this policy built, shared by every socket made with it (so sessions resume). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * An {@link SSLSocketFactory} that applies this policy (protocols, suites, SNI, host name verification) to every
     * socket it makes, for Jakarta Mail ({@code mail.smtp.ssl.socketFactory}), Commons Net or
     * {@code HttpsURLConnection}.
     */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** One {@link SSLParameters} for a client socket that verifies {@code host}; SNI is set unless it is an IP literal. */
    SSLParameters clientParameters(String host) {
        return host == null ? clientParameters((Endpoint) null) : clientParameters(Endpoint.of(host, 0));
    }

    /**
     * One {@link SSLParameters} for a client socket to {@code endpoint}: the policy's protocols and suites, the
     * endpoint's identification algorithm, SNI (set by us: the JDK sends none for dotless names such as
     * {@code localhost}) and ALPN (the endpoint's, else the policy's).
     */
    SSLParameters clientParameters(Endpoint endpoint) {
        SSLParameters parameters = commonParameters();
        if (endpoint == null) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            return parameters;
        }
        parameters.setEndpointIdentificationAlgorithm(endpoint.identification().name());
        endpoint.sniName().ifPresent(name -> parameters.setServerNames(List.of(new SNIHostName(name))));
        endpoint.applicationProtocols().ifPresent(p -> parameters.setApplicationProtocols(p.toArray(String[]::new)));
        return parameters;
    }

    /** One {@link SSLParameters} for the server side of an upgrade. */
    SSLParameters serverParameters() {
        SSLParameters parameters = commonParameters();
        parameters.setNeedClientAuth(clientAuth == ClientAuth.REQUIRE);
        if (clientAuth == ClientAuth.OPTIONAL) {
            parameters.setWantClientAuth(true);
        }
        return parameters;
    }

    boolean hasIdentity() {
        return identityStore != null;
    }

    private SSLParameters commonParameters() {
        SSLParameters parameters = sslContext.getDefaultSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        parameters.setAlgorithmConstraints(CryptoFloor.constraints()); // DHE groups of 2048 bits or more
        if (!applicationProtocols.isEmpty()) {
            parameters.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        }
        return parameters;
    }

    @Override
    public String toString() {
        return "TlsPolicy{protocols=" + protocols
                + ", cipherSuites=" + cipherSuites
                + ", trust=" + (trustStore != null ? "key store" : trustedCertificates.isEmpty()
                        ? "JDK trust store" : trustedCertificates.size() + " certificate(s)")
                + ", identity=" + (identityStore != null)
                + ", mode=" + (opportunistic ? "opportunistic" : "required")
                + ", provider=" + sslContext.getProvider().getName()
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", handshakeTimeout=" + handshakeTimeout + ", writeTimeout=" + writeTimeout + '}';
    }

    /**
     * Builds a {@link TlsPolicy}; every setter validates its argument, {@link #build()} validates the whole and
     * creates the {@link SSLContext}.
     *
     * <pre>{@code
     * TlsPolicy policy = TlsPolicy.builder().protocols("TLSv1.3").readTimeout(Duration.ofSeconds(10)).build();
     * }</pre>
     *
     * <p>Builders are not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private List<String> cipherSuites = List.of(); // empty: the modern defaults
        private List<String> applicationProtocols = List.of();
        private final List<X509Certificate> trustedCertificates = new ArrayList<>();
        private KeyStore trustStore;
        private KeyStore identityStore;
        private char[] identityPassword;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout; // null: the read timeout
        private boolean opportunistic;
        private int maxLineLength = 8192;
        private int maxReplyLines = 1000;
        private long maxMessageSize = 64L * 1024 * 1024;
        private Provider provider; // null: the JDK's own (JSSE)

        private Builder() {
        }

        private Builder(TlsPolicy p) {
            protocols = p.protocols;
            cipherSuites = p.explicitCipherSuites;
            applicationProtocols = p.applicationProtocols;
            trustedCertificates.addAll(p.trustedCertificates);
            trustStore = p.trustStore;
            identityStore = p.identityStore;
            identityPassword = p.identityPassword == null ? null : p.identityPassword.clone();
            clientAuth = p.clientAuth;
            connectTimeout = p.connectTimeout;
            readTimeout = p.readTimeout;
            handshakeTimeout = p.handshakeTimeout;
            writeTimeout = p.writeTimeoutSetting;
            opportunistic = p.opportunistic;
            maxLineLength = p.maxLineLength;
            maxReplyLines = p.maxReplyLines;
            maxMessageSize = p.maxMessageSize;
            provider = p.provider;
        }

        /**
         * Trusts only the CA certificates in this PEM file (instead of the JDK's trust store); may be called more than
         * once to add files.
         *
         * @throws IOException if the file cannot be read or holds no certificate
         */
        public Builder trustPem(Path pemFile) throws IOException {
            Objects.requireNonNull(pemFile, "pemFile");
            try (InputStream in = Files.newInputStream(pemFile)) {
                List<X509Certificate> found = new ArrayList<>();
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    found.add((X509Certificate) c);
                }
                if (found.isEmpty()) {
                    throw new IOException("no certificate in " + pemFile);
                }
                trustedCertificates.addAll(found);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** Trusts only these CA certificates (instead of the JDK's trust store); adds to earlier calls. */
        public Builder trustCertificates(X509Certificate... certificates) {
            for (X509Certificate c : certificates) {
                trustedCertificates.add(Objects.requireNonNull(c, "certificate"));
            }
            return this;
        }

        /** Trusts the certificates in this key store (instead of the JDK's trust store). */
        public Builder trust(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            return this;
        }

        /** Goes back to the JDK's default trust store, forgetting earlier {@code trust*} calls. */
        public Builder trustSystemDefaults() {
            trustedCertificates.clear();
            trustStore = null;
            return this;
        }

        /** The client certificate and key to present when a server asks (mutual TLS). */
        public Builder clientCertificate(KeyStore keyStore, char[] password) {
            return identity(keyStore, password);
        }

        /** The certificate and key the server side of an upgrade presents. */
        public Builder serverCertificate(KeyStore keyStore, char[] password) {
            return identity(keyStore, password);
        }

        private Builder identity(KeyStore keyStore, char[] password) {
            this.identityStore = Objects.requireNonNull(keyStore, "keyStore");
            this.identityPassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /** Which client certificates the server side asks for; {@code NONE} by default. */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** The TLS versions to enable, from {@code TLSv1.3} and {@code TLSv1.2}; older ones are refused. */
        public Builder protocols(String... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("at least one protocol is required");
            }
            for (String p : protocols) {
                if (!ALLOWED_PROTOCOLS.contains(p)) {
                    throw new IllegalArgumentException("protocol " + p + " is not allowed: use TLSv1.3 and/or TLSv1.2");
                }
            }
            this.protocols = List.copyOf(Arrays.asList(protocols));
            return this;
        }

        /**
         * The cipher suites to enable (standard names) instead of the modern defaults, for example to reach an old
         * server with {@code TLS_RSA_WITH_AES_128_CBC_SHA}; checked against what the JDK supports in {@link #build()}.
         * DHE suites enabled here still refuse Diffie-Hellman groups under 2048 bits.
         */
        public Builder cipherSuites(String... cipherSuites) {
            if (cipherSuites.length == 0) {
                throw new IllegalArgumentException("at least one cipher suite is required");
            }
            this.cipherSuites = List.copyOf(Arrays.asList(cipherSuites));
            return this;
        }

        /**
         * The ALPN protocols (RFC 7301) to offer as a client or accept as a server, most preferred first, such as
         * {@code "http/1.1"}; none by default. The negotiated one is {@link Handshake#applicationProtocol()}.
         */
        public Builder applicationProtocols(String... protocols) {
            for (String p : protocols) {
                if (p == null || p.isEmpty() || p.length() > 255) {
                    throw new IllegalArgumentException("ALPN protocol names are 1 to 255 bytes: " + p);
                }
            }
            this.applicationProtocols = List.copyOf(Arrays.asList(protocols));
            return this;
        }

        /** How long connecting may take; positive, at most a day. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** How long one whole reply may take; positive, at most a day. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive("readTimeout", timeout);
            return this;
        }

        /** How long the TLS handshake may take in total; positive, at most a day. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive("handshakeTimeout", timeout);
            return this;
        }

        /** How long one write may block on a peer that stopped reading; positive; the read timeout by default. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = positive("writeTimeout", timeout);
            return this;
        }

        /**
         * {@code true} lets a dialogue go on in plaintext when the server does not offer or refuses the upgrade;
         * {@code false} (the default) makes that a failure.
         */
        public Builder opportunistic(boolean opportunistic) {
            this.opportunistic = opportunistic;
            return this;
        }

        /** The longest line accepted from a server, in bytes; at least 512 (RFC 5321 4.5.3.1.5). */
        public Builder maxLineLength(int bytes) {
            if (bytes < 512) {
                throw new IllegalArgumentException("maxLineLength must be at least 512: " + bytes);
            }
            this.maxLineLength = bytes;
            return this;
        }

        /** The most lines in one multi-line reply; at least 1. */
        public Builder maxReplyLines(int lines) {
            if (lines < 1) {
                throw new IllegalArgumentException("maxReplyLines must be at least 1: " + lines);
            }
            this.maxReplyLines = lines;
            return this;
        }

        /** The largest message or literal accepted from a server, in bytes; at least 1 KiB, at most 2 GiB - 1. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxMessageSize must be between 1024 and 2^31 - 9: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * The JCA provider whose {@code SSLContext} ("TLS") does the TLS work, instead of the JDK's own (JSSE); for
         * example {@code BoringSsl.provider()} from the {@code starttls-boringssl} module, which spends less CPU per
         * handshake. Everything else in the policy applies unchanged: trust, host name verification, protocols,
         * suites, timeouts. {@code null} goes back to the JDK's.
         */
        public Builder provider(Provider provider) {
            this.provider = provider;
            return this;
        }

        /**
         * Validates the settings and builds the policy with its {@link SSLContext}.
         *
         * @throws IllegalArgumentException for an unsupported cipher suite or unusable key material, naming it
         */
        public TlsPolicy build() {
            return new TlsPolicy(this, createContext());
        }

        private SSLContext createContext() {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(effectiveTrustStore());
                List<TrustManager> trustManagers = new ArrayList<>();
                for (TrustManager tm : tmf.getTrustManagers()) {
                    trustManagers.add(tm instanceof X509ExtendedTrustManager
                            ? new SanRequiringTrustManager((X509ExtendedTrustManager) tm) : tm);
                }
                KeyManager[] keyManagers = null;
                if (identityStore != null) {
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(identityStore, identityPassword);
                    keyManagers = kmf.getKeyManagers();
                }
                SSLContext context = provider == null
                        ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
                context.init(keyManagers, trustManagers.toArray(TrustManager[]::new), null);
                checkCipherSuites(context);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot build the TLS context: " + e.getMessage(), e);
            }
        }

        private KeyStore effectiveTrustStore() throws GeneralSecurityException {
            if (trustedCertificates.isEmpty()) {
                return trustStore; // null: the JDK's default trust store
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new IllegalStateException(e); // cannot happen for an empty in-memory store
            }
            if (trustStore != null) {
                for (String alias : Collections.list(trustStore.aliases())) {
                    Certificate c = trustStore.getCertificate(alias);
                    if (c != null) {
                        store.setCertificateEntry("store-" + alias, c);
                    }
                }
            }
            for (int i = 0; i < trustedCertificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, trustedCertificates.get(i));
            }
            return store;
        }

        private void checkCipherSuites(SSLContext context) {
            List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
            for (String suite : cipherSuites) {
                if (!supported.contains(suite)) {
                    throw new IllegalArgumentException("cipher suite " + suite + " is not supported by "
                            + (provider == null ? "this JDK" : provider.getName()));
                }
            }
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            // sockets take int milliseconds (24.8 days at most); a timeout of more than a day is a mistake anyway
            if (value.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(name + " must be at most " + MAX_TIMEOUT + ": " + value);
            }
            return value;
        }
    }
}
