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
}
