package dev.starttls.boringssl;

import java.lang.reflect.Method;
import javax.net.ssl.SSLEngine;

/**
 * Whether BoringSSL resumed a session: netty knows ({@code isSessionReused}) but does not make it public, so it is
 * called by reflection; where that is refused, the answer is "not resumed". Not API.
 */
final class Reuse {
    private static final Method IS_SESSION_REUSED = find();

    private Reuse() {
    }

    private static Method find() {
        try {
            Method m = Class.forName("io.netty.handler.ssl.ReferenceCountedOpenSslEngine")
                    .getDeclaredMethod("isSessionReused");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static boolean isSessionReused(SSLEngine engine) {
        if (IS_SESSION_REUSED == null || !IS_SESSION_REUSED.getDeclaringClass().isInstance(engine)) {
            return false;
        }
        try {
            return (Boolean) IS_SESSION_REUSED.invoke(engine);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
