package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsPolicy.ClientAuth;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server policies of one {@link TlsGreenMail}: the good certificate or the one a hostile switch asks for, with or
 * without a required client certificate. Each is built once, so connections share a session cache. Thread-safe.
 */
final class ServerPolicies {
    private final CertificateAuthority ca;
    private final HeldCertificate good;
    private final Map<String, TlsPolicy> built = new ConcurrentHashMap<>();

    ServerPolicies(CertificateAuthority ca, HeldCertificate good) {
        this.ca = ca;
        this.good = good;
    }

    TlsPolicy policy(Set<Hostile> hostile, boolean requireClientCertificate) {
        Hostile certificate = hostile.contains(Hostile.EXPIRED_CERTIFICATE) ? Hostile.EXPIRED_CERTIFICATE
                : hostile.contains(Hostile.WRONG_HOST_CERTIFICATE) ? Hostile.WRONG_HOST_CERTIFICATE
                : hostile.contains(Hostile.SELF_SIGNED_CERTIFICATE) ? Hostile.SELF_SIGNED_CERTIFICATE : null;
        String key = certificate + "/" + requireClientCertificate;
        return built.computeIfAbsent(key, k -> {
            TlsPolicy policy = certificate(certificate).serverPolicy();
            return requireClientCertificate
                    ? policy.newBuilder().trustCertificates(ca.certificate()).clientAuth(ClientAuth.REQUIRE).build()
                    : policy;
        });
    }

    private HeldCertificate certificate(Hostile which) {
        if (which == null) {
            return good;
        }
        return switch (which) {
            case EXPIRED_CERTIFICATE -> ca.leaf().names("localhost", "127.0.0.1", "::1").expired().build();
            case WRONG_HOST_CERTIFICATE -> ca.issue("wrong-host.example");
            default -> CertificateAuthority.selfSigned("localhost", "127.0.0.1", "::1");
        };
    }
}
