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
}
