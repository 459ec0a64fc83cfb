package dev.starttls.boringssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsConnection;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.internal.DelegatingSocket;
import dev.starttls.smtp.SmtpSession;
import dev.starttls.smtp.SmtpTls;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.TlsGreenMail;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.time.Duration;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class BoringSslProviderTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private static final HeldCertificate LOCALHOST = CA.issue("localhost", "127.0.0.1");

    private static TlsPolicy boringClient() {
        return TlsPolicy.builder().trustCertificates(CA.certificate()).provider(BoringSsl.provider()).build();
    }

    private static TlsPolicy boringServer() {
        return LOCALHOST.serverPolicy().newBuilder().provider(BoringSsl.provider()).build();
    }

    @Test
    void aPolicyWithTheProviderUpgradesOverBoringSsl() throws Exception {
        TlsPolicy policy = boringClient();
        assertEquals(BoringSslProvider.NAME, policy.sslContext().getProvider().getName());
        assertTrue(policy.toString().contains("provider=" + BoringSslProvider.NAME), policy.toString());
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.sendLine("hello over TLS");
            c.readUntilClosed();
        })) {
            TlsConnection tls = Upgrader.of(policy).connect(dev.starttls.Endpoint.of("localhost", server.port()));
            try (SSLSocket socket = tls.socket()) {
                assertEquals(EngineSocket.class, socket.getClass());
                Handshake handshake = tls.handshake();
                assertEquals("TLSv1.3", handshake.protocol());
                assertFalse(handshake.resumed());
                assertEquals(LOCALHOST.certificate(), handshake.peerCertificates().get(0));
                byte[] line = new byte[16];
                new DataInputStream(socket.getInputStream()).readFully(line);
                assertEquals("hello over TLS\r\n", new String(line, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void theReadmeExampleUpgradesSmtpOverBoringSsl() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            TlsPolicy policy = TlsPolicy.builder()
                    .trustCertificates(mail.ca().certificate())
                    .provider(BoringSsl.provider())
                    .build();
            try (SmtpSession smtp = SmtpTls.connect("localhost", mail.smtpPort(), policy)) {
                assertTrue(smtp.isTls());
                assertEquals(EngineSocket.class, smtp.sslSocket().getClass());
                assertEquals("TLSv1.3", smtp.handshake().orElseThrow().protocol());
            }
        }
    }

    @Test
    void theProviderIsFoundByName() {
        boolean found = false;
        for (Provider p : ServiceLoader.load(Provider.class)) {
            found |= p.getName().equals(BoringSslProvider.NAME);
        }
        assertTrue(found, "META-INF/services/java.security.Provider names the provider");
        assertTrue(BoringSsl.isAvailable());
        assertTrue(BoringSsl.unavailabilityCause().isEmpty());
        assertTrue(BoringSsl.version().contains("BoringSSL"), BoringSsl.version());
    }

    @Test
    void aTls13SuiteThePolicyDoesNotEnableFailsTheHandshakeInsteadOfBeingAccepted() throws Exception {
        // BoringSSL always offers all three TLS 1.3 suites; the JDK server prefers AES-256
        TlsPolicy onlyAes128 = boringClient().newBuilder().cipherSuites("TLS_AES_128_GCM_SHA256").build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.readUntilClosed();
        })) {
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(onlyAes128).connect("localhost", server.port()));
            assertEquals(Failure.HANDSHAKE, e.failure());
            assertTrue(e.getMessage().contains("TLS_AES_256_GCM_SHA384, which is not enabled"), e.getMessage());
        }
    }

    @Test
    void aTls12SuiteListIsHonoured() throws Exception {
        TlsPolicy tls12 = boringClient().newBuilder().protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").build();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.readUntilClosed();
        });
                SSLSocket tls = Upgrader.of(tls12).connect("localhost", server.port())) {
            assertEquals("TLSv1.2", Handshake.of(tls).protocol());
            assertEquals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Handshake.of(tls).cipherSuite());
        }
    }

    @Test
    void theServerSideRunsOnBoringSslAndBothSidesStreamAMegabyteEachWay() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> serverSide = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket tls = Upgrader.of(boringServer()).acceptImplicit(listener.accept())) {
                    assertEquals(EngineSocket.class, tls.getClass());
                    CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> write(tls, payload));
                    byte[] received = readFully(tls, payload.length);
                    echo.join();
                    return received;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = Upgrader.of(boringClient()).connect("localhost", listener.getLocalPort())) {
                CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> write(client, payload));
                assertArrayEquals(payload, readFully(client, payload.length)); // reads while the other thread writes
                upload.join();
            }
            assertArrayEquals(payload, serverSide.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingSendsCloseNotifySoThePeerSeesAnOrderlyEnd() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> serverRead = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket tls = Upgrader.of(LOCALHOST.serverPolicy()).acceptImplicit(listener.accept())) {
                    return tls.getInputStream().read(); // JSSE: -1 only after close_notify, else an exception
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SSLSocket client = Upgrader.of(boringClient()).connect("localhost", listener.getLocalPort());
            client.close();
            assertEquals(-1, serverRead.get(10, TimeUnit.SECONDS));
            assertTrue(client.isClosed());
            assertThrows(SocketException.class, client::getInputStream);
        }
    }

    @Test
    void afterShutdownOutputTheSocketReadsWhatThePeerSendsUntilItsCloseNotify() throws Exception {
        // an FTPS upload: data, our close_notify, then read until the server's close_notify. Ending earlier and
        // closing with unread bytes resets the connection, and the server loses the end of the upload.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> serverSide = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket tls = Upgrader.of(LOCALHOST.serverPolicy()).acceptImplicit(listener.accept())) {
                    int received = tls.getInputStream().readAllBytes().length; // up to the client's close_notify
                    Thread.sleep(300); // the client must still be reading now
                    tls.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    return received;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = Upgrader.of(boringClient()).connect("localhost", listener.getLocalPort())) {
                client.getOutputStream().write(new byte[100_000]);
                client.shutdownOutput();
                assertTrue(client.isOutputShutdown());
                assertEquals("bye", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            assertEquals(100_000, serverSide.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTls13TicketThatArrivesJustAfterAnUploadStillLetsTheNextConnectionResume() throws Exception {
        // an FTPS upload of a small file: the client is done before the server's ticket arrives. BoringSSL keeps no
        // ticket that arrives after its close_notify, so without one the next data connection could not resume.
        TlsPolicy policy = boringClient();
        try (ServerSocket listener = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket accepted = listener.accept()) {
                        Socket slow = new LaterWritesDelayedSocket(accepted, Duration.ofMillis(20));
                        try (SSLSocket tls = Upgrader.of(LOCALHOST.serverPolicy()).acceptImplicit(slow)) {
                            tls.getInputStream().readAllBytes(); // the upload, up to the client's close_notify
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            dev.starttls.Endpoint endpoint = dev.starttls.Endpoint.of("localhost", listener.getLocalPort());
            TlsConnection first = Upgrader.of(policy).connect(endpoint);
            try (SSLSocket upload = first.socket()) {
                upload.getOutputStream().write("small file".getBytes(StandardCharsets.US_ASCII));
                upload.shutdownOutput();
                upload.getInputStream().readAllBytes();
            }
            TlsConnection second = Upgrader.of(policy).connect(endpoint);
            second.socket().close();
            serverSide.get(10, TimeUnit.SECONDS);
            assertFalse(first.handshake().resumed());
            assertTrue(second.handshake().resumed(), "the ticket of the upload's connection was kept");
        }
    }

    @Test
    void dataThatArrivedBeforeShutdownOutputIsStillDelivered() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.sendLine("early");
            c.readUntilClosed();
        });
                SSLSocket tls = Upgrader.of(boringClient()).connect("localhost", server.port())) {
            Thread.sleep(300); // "early" has arrived, still encrypted
            tls.shutdownOutput();
            byte[] line = new byte[7];
            new DataInputStream(tls.getInputStream()).readFully(line);
            assertEquals("early\r\n", new String(line, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aReadThatTimesOutCanBeRetriedAndGetsTheWholeRecord() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.pause(Duration.ofMillis(400));
            c.sendLine("late");
            c.readUntilClosed();
        });
                SSLSocket tls = Upgrader.of(boringClient()).connect("localhost", server.port())) {
            tls.setSoTimeout(100);
            InputStream in = tls.getInputStream();
            assertThrows(SocketTimeoutException.class, in::read);
            tls.setSoTimeout(5000);
            byte[] line = new byte[6];
            new DataInputStream(in).readFully(line);
            assertEquals("late\r\n", new String(line, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.readUntilClosed();
        })) {
            SSLSocket tls = Upgrader.of(boringClient()).connect("localhost", server.port());
            tls.setSoTimeout(10_000);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return tls.getInputStream().read() < 0 ? null : new AssertionError("data");
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(200);
            long start = System.nanoTime();
            tls.close();
            Throwable result = reader.get(5, TimeUnit.SECONDS);
            assertTrue(result == null || result instanceof SocketException, String.valueOf(result));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void thePolicySocketFactoryMakesBoringSslSocketsThatVerifyTheHost() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(CA.issue("other.example"));
            c.readUntilClosed();
        });
                Socket socket = boringClient().socketFactory().createSocket("localhost", server.port())) {
            assertEquals(EngineSocket.class, socket.getClass());
            javax.net.ssl.SSLHandshakeException e = assertThrows(javax.net.ssl.SSLHandshakeException.class,
                    ((SSLSocket) socket)::startHandshake);
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    /** A server's socket whose writes after the first (its handshake flight) wait: the TLS 1.3 ticket comes late. */
    private static final class LaterWritesDelayedSocket extends DelegatingSocket {
        private final Duration delay;
        private boolean wrote;

        LaterWritesDelayedSocket(Socket delegate, Duration delay) {
            super(delegate);
            this.delay = delay;
        }

        @Override
        public OutputStream getOutputStream() throws java.io.IOException {
            OutputStream out = delegate.getOutputStream();
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (wrote) {
                        try {
                            Thread.sleep(delay.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    wrote = true;
                    out.write(b, off, len);
                }
            };
        }
    }

    @Test
    void socketsFromThePolicySocketFactoryResumeTheirSessionAsJssesDo() throws Exception {
        // Jakarta Mail and HttpsURLConnection create sockets this way: from host and port, connected by the factory
        javax.net.ssl.SSLSocketFactory factory = boringClient().socketFactory();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.startTls(LOCALHOST);
            c.sendLine("one");
            c.readUntilClosed();
        })) {
            long beforeFirst = System.currentTimeMillis();
            try (SSLSocket first = (SSLSocket) factory.createSocket("localhost", server.port())) {
                first.getInputStream().read(); // the TLS 1.3 ticket comes before the line
                assertTrue(first.getSession().getCreationTime() >= beforeFirst, "a new session");
            }
            long beforeSecond = System.currentTimeMillis();
            try (SSLSocket second = (SSLSocket) factory.createSocket("localhost", server.port())) {
                second.startHandshake();
                assertTrue(second.getSession().getCreationTime() < beforeSecond, "the first session, resumed");
            }
        }
    }

    @Test
    void anSslEngineIsRefusedWithTheReasonRatherThanFailingInsideItsUser() throws Exception {
        // java.net.http.HttpClient drives the engine itself and gives up on BoringSSL's after the handshake
        javax.net.ssl.SSLContext context = boringClient().sslContext();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> context.createSSLEngine("localhost", 443));
        assertTrue(e.getMessage().contains("sockets only"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, context::createSSLEngine);
        try (dev.starttls.testkit.HttpsTestServer server = dev.starttls.testkit.HttpsTestServer.start(LOCALHOST)) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(context).build();
            Exception failure = assertThrows(Exception.class, () -> client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://localhost:" + server.port() + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
            Throwable cause = failure;
            while (cause.getCause() != null && !(cause instanceof UnsupportedOperationException)) {
                cause = cause.getCause();
            }
            assertTrue(cause.getMessage().contains("sockets only"), failure.toString());
        }
    }

    private static void write(Socket socket, byte[] data) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int off = 0; off < data.length; off += 10_000) {
                out.write(data, off, Math.min(10_000, data.length - off));
            }
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readFully(Socket socket, int length) throws Exception {
        byte[] data = new byte[length];
        new DataInputStream(socket.getInputStream()).readFully(data);
        return data;
    }
}
