package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.testkit.JakartaMailProperties;
import dev.starttls.testkit.TlsGreenMailExtension;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a user writes: Jakarta Mail sends over STARTTLS, reads back over IMAPS and POP3S, two users, @Nested. */
class MailCodeTest {
    @RegisterExtension
    static final TlsGreenMailExtension mail =
            new TlsGreenMailExtension().withUser("alice", "alice-pw").withUser("bob", "bob-pw");

    static void send(String from, String to, String subject, String login, String password) throws Exception {
        Session session = Session.getInstance(
                JakartaMailProperties.smtp("localhost", mail.smtpPort(), mail.clientPolicy()));
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Hello from the user's project\r\n");
        Transport.send(message, login, password); // STARTTLS first: AUTH is refused in clear
    }

    static String[] subjectsInInbox(Properties properties, String login, String password) throws MessagingException {
        Store store = Session.getInstance(properties).getStore();
        try {
            store.connect(login, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message[] messages = inbox.getMessages();
                String[] subjects = new String[messages.length];
                for (int i = 0; i < messages.length; i++) {
                    subjects[i] = messages[i].getSubject();
                }
                return subjects;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void sendsOverStartTlsAndReadsBackOverImaps() throws Exception {
        send("bob@localhost", "alice@localhost", "hi alice", "bob", "bob-pw");
        MimeMessage arrived = mail.awaitMessage().to("alice@localhost").subject("hi alice")
                .within(Duration.ofSeconds(10));
        assertEquals("bob@localhost", ((InternetAddress) arrived.getFrom()[0]).getAddress());
        assertEquals(1, subjectsInInbox(JakartaMailProperties.imaps("localhost", mail.imapsPort(),
                mail.clientPolicy()), "alice", "alice-pw").length);
        assertTrue(mail.get().handshakes().size() >= 2, "SMTP and IMAPS both used TLS");
    }

    @Nested
    class ReadingOverPop3s {
        @Test
        void bobReadsHisMailOverPop3s() throws Exception {
            send("alice@localhost", "bob@localhost", "hi bob", "alice", "alice-pw");
            mail.awaitMessage().to("bob@localhost").subject("hi bob").within(Duration.ofSeconds(10));
            String[] subjects = subjectsInInbox(JakartaMailProperties.pop3s("localhost", mail.pop3sPort(),
                    mail.clientPolicy()), "bob", "bob-pw");
            assertEquals(1, subjects.length);
            assertEquals("hi bob", subjects[0]);
        }
    }
}
