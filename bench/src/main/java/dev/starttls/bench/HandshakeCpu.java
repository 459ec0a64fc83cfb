package dev.starttls.bench;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The stretch goal of issue #20, as a measurement only: the client CPU of one full TLS 1.3 handshake with JSSE's
 * {@link SSLEngine} and with netty-tcnative's BoringSSL engine, against the same JSSE server engine, in memory (no
 * sockets, so only crypto and handshake logic count). The client's calls alone are timed, with the calling thread's
 * CPU clock; the two clients alternate. Both verify the host name with the same CA; BoringSSL's engine hands the
 * chain to a Java trust manager, so certificate path validation is Java in both. Not a provider: nothing here is
 * shipped.
 */
final class HandshakeCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String JSSE = "JSSE SSLEngine (JDK " + Runtime.version().feature() + ")";
    static final String BORINGSSL = "BoringSSL SSLEngine (netty-tcnative)";

    private final SSLContext server;
    private final SSLContext jsseClient;
    private final SslContext boringClient;

    HandshakeCpu() throws GeneralSecurityException, SSLException {
        CertificateAuthority ca = CertificateAuthority.create();
        HeldCertificate certificate = ca.issue("localhost");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(certificate.keyStore(), HeldCertificate.keyStorePassword());
        server = SSLContext.getInstance("TLS");
        server.init(keys.getKeyManagers(), null, null);
        jsseClient = Target.bareContext(ca.certificate());
        boringClient = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3")
                .trustManager(ca.certificate()).build();
    }

    /** Whether netty found its BoringSSL library on this platform; if not, {@link #run} cannot measure it. */
    static boolean available() {
        return OpenSsl.isAvailable();
    }

    /** Median client CPU milliseconds per full handshake, by client, after {@code warmup} untimed rounds. */
    Map<String, Double> run(int warmup, int rounds) throws SSLException {
        List<Long> jsse = new ArrayList<>();
        List<Long> boring = new ArrayList<>();
        for (int round = 0; round < warmup + rounds; round++) {
            boolean jsseFirst = round % 2 == 0;
            long first = handshake(jsseFirst ? jsseEngine() : boringEngine());
            long second = handshake(jsseFirst ? boringEngine() : jsseEngine());
            if (round >= warmup) {
                jsse.add(jsseFirst ? first : second);
                boring.add(jsseFirst ? second : first);
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put(JSSE, Samples.percentile(jsse, 50) / 1e6);
        medians.put(BORINGSSL, Samples.percentile(boring, 50) / 1e6);
        return medians;
    }

    private SSLEngine jsseEngine() {
        SSLEngine engine = jsseClient.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        return verifying(engine);
    }

    private SSLEngine boringEngine() {
        return verifying(boringClient.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443));
    }

    private static SSLEngine verifying(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** One full handshake in memory; returns the CPU nanoseconds the client engine's calls took. */
    private long handshake(SSLEngine client) throws SSLException {
        SSLEngine serverEngine = server.createSSLEngine();
        serverEngine.setUseClientMode(false);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        long cpu = THREADS.getCurrentThreadCpuTime();
        client.beginHandshake();
        cpu = THREADS.getCurrentThreadCpuTime() - cpu;
        serverEngine.beginHandshake();
        for (int step = 0; step < 50; step++) {
            long start = THREADS.getCurrentThreadCpuTime();
            boolean clientDone = advance(client, toServer, toClient);
            cpu += THREADS.getCurrentThreadCpuTime() - start;
            boolean serverDone = advance(serverEngine, toClient, toServer);
            if (clientDone && serverDone) {
                try {
                    return cpu;
                } finally {
                    release(client);
                }
            }
        }
        release(client);
        throw new SSLException("the in-memory handshake did not finish in 50 steps");
    }

    /** Wraps and unwraps until the engine waits for its peer; true once its handshake is over. */
    private static boolean advance(SSLEngine engine, ByteBuffer out, ByteBuffer in) throws SSLException {
        ByteBuffer application = ByteBuffer.allocate(1 << 16);
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK:
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    break;
                case NEED_WRAP:
                    engine.wrap(ByteBuffer.allocate(0), out);
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    in.flip();
                    SSLEngineResult result = engine.unwrap(in, application);
                    in.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || result.bytesConsumed() == 0 && result.getHandshakeStatus() == status) {
                        return false; // wait for the peer's next flight
                    }
                    break;
                default:
                    return true;
            }
        }
    }

    private static void release(SSLEngine engine) {
        if (engine instanceof io.netty.util.ReferenceCounted) {
            ((io.netty.util.ReferenceCounted) engine).release(); // BoringSSL's native state
        }
    }

    public static void main(String[] args) throws Exception {
        if (!available()) {
            System.out.println("BoringSSL not available: " + OpenSsl.unavailabilityCause());
            return;
        }
        Map<String, Double> medians = new HandshakeCpu().run(Integer.getInteger("bench.warmup", 200),
                Integer.getInteger("bench.rounds", 500));
        medians.forEach((client, ms) -> System.out.printf("%s: %.3f ms client CPU per full TLS 1.3 handshake%n",
                client, ms));
        System.out.printf("JSSE / BoringSSL: %.2fx%n", medians.get(JSSE) / medians.get(BORINGSSL));
    }
}
