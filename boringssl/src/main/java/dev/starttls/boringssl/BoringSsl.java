package dev.starttls.boringssl;

import io.netty.handler.ssl.OpenSsl;
import java.security.Provider;
import java.util.Optional;

/**
 * BoringSSL as the TLS provider of a {@link dev.starttls.TlsPolicy}: the same upgrades, checks and failures, with
 * BoringSSL (through netty-tcnative) doing the handshake and the record layer instead of JSSE. It spends about a
 * third of JSSE's client CPU per full handshake (BENCHMARKS.md); certificate path validation and host name
 * verification stay in Java, with the policy's trust managers, so a certificate is accepted or refused exactly as
 * without it.
 *
 * <pre>{@code
 * TlsPolicy policy = TlsPolicy.builder()
 *         .provider(BoringSsl.provider())
 *         .build();
 * try (SmtpSession smtp = SmtpTls.connect("mail.example.com", 587, policy)) { ... }
 * }</pre>
 *
 * <p>Check {@link #isAvailable()} first where the native library may be missing (it ships for Linux, macOS and
 * Windows on x86_64 and aarch64). Differences from JSSE: all three TLS 1.3 suites are always offered, and a handshake
 * that ends on one the policy does not enable fails; no finite-field Diffie-Hellman suites (BoringSSL has none);
 * {@code Endpoint.ofConnected} is verified against the address; ALPN as a server never sends
 * {@code no_application_protocol}, it just selects nothing; no server sockets ({@code SSLServerSocketFactory}): a
 * server wraps accepted sockets with {@code Upgrader.acceptImplicit} or {@code acceptUpgrade}, as everywhere in this
 * library; sockets only: {@code createSSLEngine} is refused with the reason, so {@code java.net.http.HttpClient}
 * needs a JSSE policy.
 *
 * @since 0.1
 */
public final class BoringSsl {
    private static final class Holder {
        static final Provider PROVIDER = new BoringSslProvider();
    }

    private BoringSsl() {
    }

    /**
     * The provider to pass to {@link dev.starttls.TlsPolicy.Builder#provider}. One instance per class loader; its
     * {@code SSLContext} ("TLS") is all it offers.
     *
     * @throws IllegalStateException if the native library cannot be loaded here, with the reason
     */
    public static Provider provider() {
        Optional<Throwable> cause = unavailabilityCause();
        if (cause.isPresent()) {
            throw new IllegalStateException("BoringSSL (netty-tcnative) cannot be loaded on this platform: "
                    + cause.get(), cause.get());
        }
        return Holder.PROVIDER;
    }

    /** Whether netty-tcnative's BoringSSL loads on this platform. */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable();
    }

    /** Why BoringSSL cannot be loaded here, if it cannot. */
    public static Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(OpenSsl.unavailabilityCause());
    }

    /** The version of the native library, such as {@code "BoringSSL"}. */
    public static String version() {
        return OpenSsl.versionString();
    }
}
