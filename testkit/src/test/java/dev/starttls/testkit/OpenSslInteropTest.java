package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An independent TLS implementation on both sides: OpenSSL's {@code s_client -starttls} against the test kit's fronts
 * (the core server-side upgrade), and the core client against OpenSSL's {@code s_server}. Needs the {@code openssl}
 * command, which {@code .ci/run} installs.
 */
class OpenSslInteropTest {
    private static TlsGreenMail mail;

    @BeforeAll
    static void start() {
        mail = TlsGreenMail.start();
    }

    @AfterAll
    static void stop() {
        mail.close();
    }

    /** Runs a command with no input and returns its exit code and combined output. */
    private static List<String> run(List<String> command, StringBuilder output) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                lines.add(line);
                output.append(line).append('\n');
            }
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "openssl did not finish: " + output);
        lines.add("exit " + process.exitValue());
        return lines;
    }

    @ParameterizedTest
    @ValueSource(strings = {"smtp", "imap", "pop3"})
    void openSslStartTlsClientVerifiesTheFronts(String protocol, @TempDir Path dir) throws Exception {
        int port = switch (protocol) {
            case "smtp" -> mail.smtpPort();
            case "imap" -> mail.imapPort();
            default -> mail.pop3Port();
        };
        Path ca = mail.ca().writeCertificatePem(dir.resolve("ca.pem"));
        StringBuilder output = new StringBuilder();
        List<String> lines = run(List.of("openssl", "s_client", "-starttls", protocol, "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile", ca.toString(),
                "-verify_return_error", "-brief"), output);
        assertTrue(lines.contains("Verification: OK"), output.toString());
        assertTrue(lines.contains("Protocol version: TLSv1.3"), output.toString());
    }

    @Test
    void openSslRefusesTheFrontWhenItTrustsAnotherCa(@TempDir Path dir) throws Exception {
        Path otherCa = CertificateAuthority.create().writeCertificatePem(dir.resolve("other.pem"));
        StringBuilder output = new StringBuilder();
        List<String> lines = run(List.of("openssl", "s_client", "-starttls", "smtp", "-connect",
                "127.0.0.1:" + mail.smtpPort(), "-servername", "localhost", "-CAfile", otherCa.toString(),
                "-verify_return_error", "-brief"), output);
        assertNotEquals("exit 0", lines.get(lines.size() - 1), output.toString());
        assertTrue(output.toString().contains("verify error"), output.toString());
    }

    /**
     * Starts {@code openssl s_server} with {@code options} on {@code port} and waits until it accepts; it serves two
     * connections: the readiness probe and the test's.
     */
    private static Process openSslServer(HeldCertificate cert, Path dir, int port, String... options) throws Exception {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        cert.writePem(chain, key);
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", chain.toString(), "-key", key.toString(), "-naccept", "2", "-quiet"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) { // ready once the port accepts
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return process;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("openssl s_server did not start");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theCoreClientCompletesAHandshakeWithOpenSsl(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        HeldCertificate cert = ca.issue("localhost");
        int port = freePort();
        Process server = openSslServer(cert, dir, port);
        try (SSLSocket tls = Upgrader.of(ca.trustingPolicy()).connect("localhost", port)) {
            Handshake handshake = Handshake.of(tls);
            assertEquals("TLSv1.3", handshake.protocol());
            assertEquals(cert.certificate(), handshake.peerCertificates().get(0));
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRealTls11OnlyServerIsAHandshakeFailure(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        int port = freePort();
        Process server = openSslServer(ca.issue("localhost"), dir, port, "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0");
        try {
            TlsUpgradeException e = org.junit.jupiter.api.Assertions.assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(ca.trustingPolicy()).connect("localhost", port));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
            assertTrue(e.getMessage().contains("TLS11") || e.getMessage().contains("protocol_version")
                    || e.getMessage().contains("protocol version"), e.getMessage());
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDheGroupOf1024BitsIsRefusedEvenWhenDheIsAskedFor(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        Path dhParams = dir.resolve("dh1024.pem");
        List<String> generated = run(List.of("openssl", "genpkey", "-genparam", "-algorithm", "DH",
                "-pkeyopt", "dh_paramgen_prime_len:1024", "-out", dhParams.toString()), new StringBuilder());
        assertEquals("exit 0", generated.get(generated.size() - 1), generated.toString());
        int port = freePort();
        Process server = openSslServer(ca.leaf().names("localhost").rsa().build(), dir, port, "-tls1_2",
                "-dhparam", dhParams.toString(), "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0");
        TlsPolicy askingForDhe = ca.trustingPolicy().newBuilder().protocols("TLSv1.2")
                .cipherSuites("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").build();
        try {
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> Upgrader.of(askingForDhe).upgrade(plain, "localhost", port));
            assertEquals(Failure.HANDSHAKE, e.failure(), e.toString());
            assertTrue(plain.isClosed(), "the plain socket must be closed after a failed upgrade");
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
