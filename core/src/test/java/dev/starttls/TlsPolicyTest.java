package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsPolicyTest {
    @Test
    void defaultsAreTls13And12WithVerificationRequiredAndFiniteTimeouts() {
        TlsPolicy policy = TlsPolicy.defaults();
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), policy.protocols());
        assertFalse(policy.isOpportunistic());
        for (Duration d : List.of(policy.connectTimeout(), policy.readTimeout(), policy.handshakeTimeout())) {
            assertTrue(!d.isZero() && !d.isNegative() && d.compareTo(Duration.ofMinutes(5)) < 0, d.toString());
        }
        SSLParameters parameters = policy.clientParameters("mail.example.com");
        assertEquals("HTTPS", parameters.getEndpointIdentificationAlgorithm());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(parameters.getProtocols()));
    }

    @Test
    void setsSniForDotlessNamesButNotForIpLiterals() {
        TlsPolicy policy = TlsPolicy.defaults();
        assertEquals(List.of(new SNIHostName("localhost")), policy.clientParameters("localhost").getServerNames());
        assertEquals(List.of(new SNIHostName("mail.example.com")),
                policy.clientParameters("mail.example.com.").getServerNames());
        assertTrue(policy.clientParameters("127.0.0.1").getServerNames() == null
                || policy.clientParameters("127.0.0.1").getServerNames().isEmpty());
        assertTrue(policy.clientParameters("::1").getServerNames() == null
                || policy.clientParameters("::1").getServerNames().isEmpty());
    }

    @Test
    void refusesProtocolsOlderThanTls12() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().protocols("TLSv1.3", "TLSv1.1"));
        assertTrue(e.getMessage().contains("TLSv1.1"), e.getMessage());
    }

    @Test
    void refusesUnknownCipherSuitesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().cipherSuites("TLS_NOT_A_SUITE").build());
        assertTrue(e.getMessage().contains("TLS_NOT_A_SUITE"), e.getMessage());
    }

    @Test
    void refusesNonPositiveTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> TlsPolicy.builder().readTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> TlsPolicy.builder().handshakeTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void newBuilderCopiesAndChangesWithoutTouchingTheOriginal() {
        TlsPolicy original = TlsPolicy.builder().readTimeout(Duration.ofSeconds(7)).build();
        TlsPolicy changed = original.newBuilder().opportunistic(true).protocols("TLSv1.3").build();
        assertEquals(Duration.ofSeconds(7), changed.readTimeout());
        assertTrue(changed.isOpportunistic());
        assertFalse(original.isOpportunistic());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), original.protocols());
        assertNotSame(original.sslContext(), changed.sslContext());
    }

    @Test
    void buildsOneSslContextPerPolicyAndReusesIt() {
        TlsPolicy policy = TlsPolicy.builder().build();
        assertSame(policy.sslContext(), policy.sslContext());
        assertSame(policy.socketFactory(), policy.socketFactory());
    }

    @Test
    void trustPemRejectsAFileWithoutCertificates(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThrows(IOException.class, () -> TlsPolicy.builder().trustPem(empty));
    }

    @Test
    void refusesTimeoutsLongerThanADayNamingTheValue() {
        Duration tooLong = Duration.ofDays(25); // (int) toMillis() of this is negative
        for (java.util.function.Consumer<TlsPolicy.Builder> setter : List.<java.util.function.Consumer<TlsPolicy.Builder>>of(
                b -> b.connectTimeout(tooLong), b -> b.readTimeout(tooLong), b -> b.handshakeTimeout(tooLong))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> setter.accept(TlsPolicy.builder()));
            assertTrue(e.getMessage().contains("PT600H") && e.getMessage().contains("PT24H"), e.getMessage());
        }
        assertEquals(Duration.ofDays(1), TlsPolicy.builder().readTimeout(Duration.ofDays(1)).build().readTimeout());
    }
}
