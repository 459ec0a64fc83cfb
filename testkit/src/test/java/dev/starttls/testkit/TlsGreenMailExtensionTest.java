package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.starttls.TlsPolicy;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's two lifecycles and its parameter resolution. */
class TlsGreenMailExtensionTest {
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class InAStaticFieldServersLiveForTheClassAndMailboxesAreEmptiedPerTest {
        // a static field of an inner class is allowed since Java 16
        @RegisterExtension
        static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", "secret");
        static final List<X509Certificate> cas = new ArrayList<>();

        @Test
        @Order(1)
        void first() throws Exception {
            cas.add(mail.get().ca().certificate());
            com.icegreen.greenmail.util.GreenMailUtil.sendTextEmail("alice@localhost", "bob@localhost", "s", "b",
                    new com.icegreen.greenmail.util.ServerSetup(mail.get().plainSmtpPort(), "127.0.0.1", "smtp"));
            assertEquals(1, mail.awaitMessages(1, java.time.Duration.ofSeconds(5)).length);
        }

        @Test
        @Order(2)
        void second(TlsGreenMail injected, TlsPolicy policy) {
            assertSame(mail.get(), injected);
            assertSame(mail.clientPolicy(), policy);
            assertEquals(List.of(injected.ca().certificate()), cas, "same servers, same CA as the first test");
            assertEquals(0, injected.greenMail().getReceivedMessages().length, "mailboxes emptied between tests");
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class InAnInstanceFieldServersLivePerTest {
        @RegisterExtension
        final TlsGreenMailExtension mail = new TlsGreenMailExtension();
        static final List<X509Certificate> cas = new ArrayList<>();

        @Test
        @Order(1)
        void first() {
            cas.add(mail.get().ca().certificate());
        }

        @Test
        @Order(2)
        void second() {
            assertEquals(1, cas.size());
            assertNotEquals(cas.get(0), mail.get().ca().certificate(), "a new CA, so new servers");
        }
    }
}
