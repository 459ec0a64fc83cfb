package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Endpoint.Identification;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Endpoint as a value: what it accepts, what each "with" changes, and when two are the same connection target. */
class EndpointValuesTest {
    private final Endpoint base = Endpoint.of("mail.example.com", 587);

    @Test
    void twoEndpointsAreEqualOnlyWhenEverySettingIs() {
        assertEquals(base, Endpoint.of("mail.example.com", 587));
        assertEquals(base.hashCode(), Endpoint.of("mail.example.com", 587).hashCode());
        assertFalse(base.equals("mail.example.com:587"));
        List<Endpoint> different = List.of(
                Endpoint.of("mx.example.com", 587),
                Endpoint.of("mail.example.com", 25),
                base.withServerName("alias.example.com"),
                base.resumeAs("control.example.com", 587),
                base.resumeAs("mail.example.com", 21),
                base.withApplicationProtocols("smtp"),
                base.withIdentification(Identification.LDAPS));
        for (Endpoint other : different) {
            assertNotEquals(base, other, other.toString());
            assertNotEquals(other, base, other.toString());
            assertEquals(other, other);
        }
        assertEquals(base.withApplicationProtocols("smtp"), base.withApplicationProtocols("smtp"));
        assertEquals(base.withApplicationProtocols("smtp").hashCode(), base.withApplicationProtocols("smtp").hashCode());
    }

    @Test
    void anEndpointOfAConnectedSocketIsNotOneMadeFromItsAddress() throws IOException {
        try (Loopback loopback = new Loopback()) {
            Endpoint connected = Endpoint.ofConnected(loopback.client);
            assertTrue(connected.verifiesConnectedName());
            Endpoint made = Endpoint.of(connected.host(), connected.port());
            assertFalse(made.verifiesConnectedName());
            assertNotEquals(made, connected);
            assertEquals(Optional.empty(), connected.sniName(), "JSSE sends the connected name itself");
        }
    }

    @Test
    void theEndpointOfATunnelIsItsTarget() throws IOException {
        try (Loopback loopback = new Loopback()) {
            TunneledSocket tunnel = TunneledSocket.over(loopback.client, "mail.example.com", 587, new byte[0]);
            Endpoint endpoint = Endpoint.ofConnected(tunnel);
            assertEquals(Endpoint.of("mail.example.com", 587), endpoint);
            assertEquals(Optional.of("mail.example.com"), endpoint.sniName());
        }
    }

    @Test
    void eachWithChangesOnlyItsOwnSetting() {
        Endpoint ldaps = base.withIdentification(Identification.LDAPS);
        assertEquals(Identification.LDAPS, ldaps.identification());
        assertEquals(Identification.HTTPS, base.identification());
        assertEquals("mail.example.com", ldaps.host());
        assertEquals(587, ldaps.port());
        Endpoint resumed = base.withApplicationProtocols("h2").resumeAs("control.example.com", 21);
        assertEquals("control.example.com", resumed.resumptionHost());
        assertEquals(21, resumed.resumptionPort());
        assertEquals(Optional.of(List.of("h2")), resumed.applicationProtocols());
        assertEquals("mail.example.com", base.resumptionHost());
        assertEquals(587, base.resumptionPort());
        assertEquals(Optional.empty(), base.applicationProtocols());
        Endpoint aliased = base.withServerName("alias.example.com").withIdentification(Identification.LDAPS);
        assertEquals("alias.example.com", aliased.verifiedName());
        assertEquals(Optional.of("alias.example.com"), aliased.sniName());
        assertThrows(NullPointerException.class, () -> base.withIdentification(null));
    }

    @Test
    void alpnNamesForOneConnectionAreOneTo255Bytes() {
        String longest = "p".repeat(255);
        assertEquals(Optional.of(List.of(longest)), base.withApplicationProtocols(longest).applicationProtocols());
        assertThrows(IllegalArgumentException.class, () -> base.withApplicationProtocols("p".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> base.withApplicationProtocols(""));
        assertThrows(IllegalArgumentException.class, () -> base.withApplicationProtocols((String) null));
    }

    @Test
    void portsRunFrom0To65535() {
        assertEquals(65535, Endpoint.of("mail.example.com", 65535).port());
        assertEquals(0, Endpoint.of("mail.example.com", 0).port());
        assertEquals(65535, base.resumeAs("mail.example.com", 65535).resumptionPort());
        assertThrows(IllegalArgumentException.class, () -> base.resumeAs("mail.example.com", 65536));
        assertThrows(IllegalArgumentException.class, () -> base.resumeAs("mail.example.com", -1));
    }

    @Test
    void ipv6LiteralsAreTheOnlyHostsWithColons() {
        assertEquals("::ffff:127.0.0.1", Endpoint.of("::ffff:127.0.0.1", 25).host());
        assertEquals("2001:db8::1", Endpoint.of("[2001:db8::1]", 25).host());
        assertEquals("fe80::abcd:EF01", Endpoint.of("fe80::abcd:EF01", 25).host());
        for (String bad : new String[] {"a:b", "mail.example.com:25:", "fe80::g1", "::mail"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.of(bad, 25), bad);
            assertTrue(e.getMessage().contains("is not a host name or IP literal: '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aHostIsRequiredAndNamedInTheError() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Endpoint.of(null, 25));
        assertTrue(e.getMessage().startsWith("host"), e.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> base.withServerName("  "));
        assertTrue(blank.getMessage().startsWith("serverName must not be blank"), blank.getMessage());
        IllegalArgumentException del = assertThrows(IllegalArgumentException.class, () -> Endpoint.of("a\u007fb", 25));
        assertTrue(del.getMessage().endsWith("(character at index 1)"), del.getMessage());
    }
}
