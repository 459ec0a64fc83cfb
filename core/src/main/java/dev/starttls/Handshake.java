package dev.starttls;

import dev.starttls.internal.SanRequiringTrustManager;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * What a completed TLS handshake negotiated, taken from the session right after the handshake: protocol, cipher suite,
 * the peer's and our certificate chains, the ALPN protocol, whether an earlier session was resumed, and how long the
 * handshake took. It holds no reference to the socket.
 *
 * <pre>{@code
 * try (SmtpSession smtp = SmtpTls.upgrade(socket)) {
 *     Handshake handshake = smtp.handshake().orElseThrow();   // empty only after an opportunistic fallback
 *     System.out.println(handshake.protocol() + " " + handshake.cipherSuite());
 *     X509Certificate leaf = handshake.peerCertificates().get(0);
 * }
 * }</pre>
 *
 * <p>Instances are immutable and safe to share.
 *
 * @param protocol the TLS version, such as {@code TLSv1.3}
 * @param cipherSuite the cipher suite's standard name
 * @param peerCertificates the peer's chain, leaf first; empty when the peer sent none (a client without a certificate)
 * @param localCertificates the chain this side presented, leaf first; often empty for clients
 * @param applicationProtocol the ALPN protocol both sides agreed on, if any
 * @param resumed whether an earlier session was resumed instead of a full handshake
 * @param duration how long the handshake took; zero if it was not run by {@link Upgrader}
 * @since 0.1
 */
public record Handshake(
        String protocol,
        String cipherSuite,
        List<X509Certificate> peerCertificates,
        List<X509Certificate> localCertificates,
        Optional<String> applicationProtocol,
        boolean resumed,
        Duration duration) {

    /** Checks and copies the components. */
    public Handshake {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        peerCertificates = List.copyOf(peerCertificates);
        localCertificates = List.copyOf(localCertificates);
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Describes the completed handshake of a socket this library did not upgrade: the duration is zero and
     * {@code resumed} is {@code false}, since neither was measured. Sessions and {@link TlsConnection} carry the
     * measured handshake of their own connection.
     */
    public static Handshake of(SSLSocket socket) {
        return of(socket, false, Duration.ZERO);
    }

    /**
     * Describes the completed handshake of {@code socket}, with what was measured while it ran. A resumed session is
     * shared by every connection that resumes it, so these two facts belong to the connection, not the session.
     */
    static Handshake of(SSLSocket socket, boolean resumed, Duration duration) {
        SSLSession session = socket.getSession();
        String alpn = socket.getApplicationProtocol();
        return new Handshake(
                session.getProtocol(),
                session.getCipherSuite(),
                peerChain(session),
                x509(session.getLocalCertificates()),
                alpn == null || alpn.isEmpty() ? Optional.empty() : Optional.of(alpn),
                resumed,
                duration);
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            return x509(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static List<X509Certificate> x509(Certificate[] chain) {
        List<X509Certificate> result = new ArrayList<>();
        if (chain != null) {
            for (Certificate c : chain) {
                if (c instanceof X509Certificate) {
                    result.add((X509Certificate) c);
                }
            }
        }
        return result;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Handshake{").append(protocol).append(' ').append(cipherSuite);
        if (!peerCertificates.isEmpty()) {
            sb.append(", peer ").append(SanRequiringTrustManager.describe(peerCertificates.get(0)));
        }
        applicationProtocol.ifPresent(p -> sb.append(", alpn ").append(p));
        sb.append(resumed ? ", resumed" : ", full handshake");
        sb.append(", ").append(duration.toNanos() / 1_000_000.0).append(" ms}");
        return sb.toString();
    }
}
