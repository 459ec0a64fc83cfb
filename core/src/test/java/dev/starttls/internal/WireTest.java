package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void rejectsArgumentsThatCouldSmuggleACommand() {
        for (String bad : new String[] {"a\r\nRCPT TO:<x>", "a\nb", "a\rb", "a\0b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Wire.requireSafe("recipient", bad));
            assertTrue(e.getMessage().startsWith("recipient"), e.getMessage());
        }
        assertEquals("alice@example.com", Wire.requireSafe("recipient", "alice@example.com"));
    }

    @Test
    void writesTheLineAndCrlfInOneWrite() throws IOException {
        int[] writes = {0};
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes[0]++;
                super.write(b, off, len);
            }
        };
        Wire.writeLine(sink, "EHLO [127.0.0.1]");
        assertEquals(1, writes[0]);
        assertArrayEquals("EHLO [127.0.0.1]\r\n".getBytes(StandardCharsets.US_ASCII), sink.toByteArray());
    }

    @Test
    void recognisesIpLiteralsWithoutLookingThemUp() {
        assertTrue(HostNames.isIpLiteral("127.0.0.1"));
        assertTrue(HostNames.isIpLiteral("::1"));
        assertTrue(HostNames.isIpLiteral("[2001:db8::1]"));
        assertFalse(HostNames.isIpLiteral("localhost"));
        assertFalse(HostNames.isIpLiteral("1.2.3.4.example.com"));
        assertFalse(HostNames.isIpLiteral("999.1.1.1"));
    }

    @Test
    void ipLiteralsAreFourDecimalOctetsUpTo255OrContainAColon() {
        assertTrue(HostNames.isIpLiteral("255.255.255.255"));
        assertTrue(HostNames.isIpLiteral("0.0.0.0"));
        assertFalse(HostNames.isIpLiteral("256.1.1.1"));
        assertFalse(HostNames.isIpLiteral("1.2.3"));
        assertFalse(HostNames.isIpLiteral("1.2..4"));
        assertFalse(HostNames.isIpLiteral("1.2.3.4."));
        assertFalse(HostNames.isIpLiteral("0001.2.3.4"));
        assertFalse(HostNames.isIpLiteral("1a.2.3.4"));
    }

    @Test
    void trailingDotsAndBracketsAreRemovedOnlyWhereTheyBelong() {
        assertEquals("mail.example.com", HostNames.stripTrailingDot("mail.example.com."));
        assertEquals("mail.example.com", HostNames.stripTrailingDot("mail.example.com"));
        assertEquals(".", HostNames.stripTrailingDot("."));
        assertEquals("::1", HostNames.unbracket("[::1]"));
        assertEquals("[::1", HostNames.unbracket("[::1"));
        assertEquals("::1]", HostNames.unbracket("::1]"));
        assertEquals("::1", HostNames.unbracket("::1"));
    }

    @Test
    void quotesALineForAMessageEscapingControlsAndCuttingAt120Characters() {
        assertEquals("'220 ready'", Wire.quote("220 ready"));
        assertEquals("'a\\x0d\\x0ab\\x00\\x7f\\x1f'", Wire.quote("a\r\nb\u0000\u007f\u001f"));
        assertEquals("' ~\u00e9'", Wire.quote(" ~\u00e9"), "printable Latin-1 stays");
        assertEquals("'\\x01'", Wire.quote("\u0101"), "beyond Latin-1 is escaped");
        String exactly120 = "x".repeat(120);
        assertEquals("'" + exactly120 + "'", Wire.quote(exactly120));
        assertEquals("'" + exactly120 + "...'", Wire.quote(exactly120 + "y"));
    }

    @Test
    void aNullArgumentIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Wire.requireSafe("user", null));
        assertEquals("user", e.getMessage());
        assertEquals("alice", Wire.requireSafe("user", "alice"));
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> Wire.requireSafe("user", "ali\u0000ce"));
        assertEquals("user must not contain CR, LF or NUL (index 3)", nul.getMessage());
    }
}
