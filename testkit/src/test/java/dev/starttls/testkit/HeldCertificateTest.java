package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.starttls.TlsPolicy;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeldCertificateTest {
    @Test
    void serverPolicyIsOneInstanceEvenWhenThreadsAskAtOnce() throws Exception {
        HeldCertificate cert = CertificateAuthority.create().issue("localhost");
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<TlsPolicy>> asked = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                asked.add(pool.submit(() -> {
                    start.await();
                    return cert.serverPolicy();
                }));
            }
            start.countDown();
            Set<TlsPolicy> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Future<TlsPolicy> f : asked) {
                distinct.add(f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, distinct.size(), "one policy, one session cache");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theKeyStorePasswordCannotBeChangedByACaller() throws Exception {
        char[] password = HeldCertificate.keyStorePassword();
        java.util.Arrays.fill(password, 'x');
        HeldCertificate cert = CertificateAuthority.create().issue("localhost");
        assertNotNull(cert.keyStore().getKey("key", HeldCertificate.keyStorePassword()));
        for (Field field : HeldCertificate.class.getFields()) {
            assertFalse(Modifier.isStatic(field.getModifiers()) && field.getType().isArray(),
                    "public static array: " + field);
        }
    }
}
