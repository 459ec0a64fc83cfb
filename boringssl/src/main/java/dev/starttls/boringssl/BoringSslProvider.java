package dev.starttls.boringssl;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;
import java.util.Map;

/**
 * The JCA provider behind {@link BoringSsl#provider()}: one service, {@code SSLContext} "TLS", whose sockets run
 * BoringSSL. Public so that it can also be named in a {@code java.security} file or found with
 * {@code ServiceLoader} ({@value #NAME}); most code should call {@link BoringSsl#provider()} instead.
 *
 * <pre>{@code
 * SSLContext context = SSLContext.getInstance("TLS", BoringSsl.provider());
 * }</pre>
 *
 * @since 0.1
 */
public final class BoringSslProvider extends Provider {
    /** The provider's name. */
    public static final String NAME = "StartTls-BoringSSL";
    private static final long serialVersionUID = 1L;

    /** A new instance; prefer {@link BoringSsl#provider()}, which shares one. */
    public BoringSslProvider() {
        super(NAME, "0.1", "BoringSSL (netty-tcnative) behind SSLContext.TLS, for starttls-java");
        putService(new ContextService(this));
    }

    /** Creates the context without reflection, so the implementation stays package-private. */
    private static final class ContextService extends Service {
        ContextService(Provider provider) {
            super(provider, "SSLContext", "TLS", BoringSslContext.class.getName(), List.of(), Map.of());
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return new BoringSslContext();
        }
    }
}
