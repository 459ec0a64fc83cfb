package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.Upgrader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit's CA written for tools outside the JVM: a PEM file and a PKCS#12 trust store that openssl reads. */
class CaFilesForOtherToolsTest {
    private static final char[] PASSWORD = "store-pw".toCharArray();

    @TempDir
    Path dir;

    @Test
    void pemAndTrustStoreBothLetAClientVerifyTheKit() throws Exception {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            Path pem = mail.ca().writeCertificatePem(dir.resolve("ca.pem"));
            Path p12 = mail.ca().writeTrustStore(dir.resolve("ca.p12"), PASSWORD);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                store.load(in, PASSWORD);
            }
            assertEquals(mail.ca().certificate(), store.getCertificate("ca"));
            for (TlsPolicy policy : new TlsPolicy[] {TlsPolicy.builder().trustPem(pem).build(),
                TlsPolicy.builder().trust(store).build()}) {
                try (SSLSocket tls = Upgrader.of(policy).connect("localhost", mail.smtpsPort())) {
                    assertEquals(mail.serverCertificate().certificate(), tls.getSession().getPeerCertificates()[0]);
                }
            }
        }
    }

    @Test
    void opensslReadsTheTrustStore() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        Path p12 = ca.writeTrustStore(dir.resolve("ca.p12"), PASSWORD);
        Process openssl = new ProcessBuilder("openssl", "pkcs12", "-in", p12.toString(), "-nokeys", "-passin",
                "pass:" + new String(PASSWORD)).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), out);
        assertTrue(out.contains(ca.certificatePem().trim().split("\n")[1]), out);
    }
}
