package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MLSD lines (RFC 3659 7.2) as servers send them. */
class FtpEntryTest {
    @Test
    void readsFactsCaseInsensitivelyAndTheNameAfterTheFirstSpace() {
        FtpEntry entry = FtpEntry.parse("Type=File;Size=5;Modify=20240101120000; my file.txt");
        assertEquals("my file.txt", entry.name(), "the name keeps its own spaces");
        assertEquals(Map.of("type", "File", "size", "5", "modify", "20240101120000"), entry.facts());
        assertEquals("file", entry.type());
        assertTrue(entry.isFile());
        assertEquals(Optional.of(5L), entry.size());
    }

    @Test
    void readsADirectoryWithoutASize() {
        FtpEntry entry = FtpEntry.parse("type=dir;perm=el; reports");
        assertEquals("reports", entry.name());
        assertEquals("dir", entry.type());
        assertFalse(entry.isFile());
        assertEquals(Optional.empty(), entry.size());
    }

    @Test
    void ignoresFactsWithoutANameAndSizesThatAreNotNumbers() {
        FtpEntry entry = FtpEntry.parse("=x;size=big;odd; a");
        assertEquals(Map.of("size", "big"), entry.facts());
        assertEquals(Optional.empty(), entry.size());
        assertEquals("", entry.type());
        assertFalse(entry.isFile());
    }

    @Test
    void takesALineWithoutFactsAsAName() {
        FtpEntry entry = FtpEntry.parse("type=file");
        assertEquals("type=file", entry.name());
        assertEquals(Map.of(), entry.facts());
    }
}
