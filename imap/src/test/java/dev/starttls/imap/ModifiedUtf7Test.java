package dev.starttls.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModifiedUtf7Test {
    @Test
    void encodesMailboxNamesAsRfc3501Shows() {
        assertEquals("INBOX", ImapSession.modifiedUtf7("INBOX"));
        assertEquals("Tom &- Jerry", ImapSession.modifiedUtf7("Tom & Jerry"));
        // RFC 3501 5.1.3 example: "~peter/mail/台北/日本語"
        assertEquals("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ImapSession.modifiedUtf7("~peter/mail/台北/日本語"));
        assertEquals("Entw&APw-rfe", ImapSession.modifiedUtf7("Entwürfe"));
    }

    @Test
    void aBase64RunEndsAtTheFirstPrintableCharacterAndControlCharactersAreEncoded() {
        // space (0x20) and tilde (0x7e) are the ends of the printable range: each ends a run of other characters
        assertEquals("&ZeVnLA- ~&ZeU-~", ImapSession.modifiedUtf7("日本 ~日~"));
        // control characters are not printable: encoded like any other non-ASCII character
        assertEquals("a&AAk-b", ImapSession.modifiedUtf7("a\tb"));
    }
}
