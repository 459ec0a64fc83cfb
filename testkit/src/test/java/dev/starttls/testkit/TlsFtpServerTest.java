package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test FTPS server's hardening switches, seen through Commons Net (a client whose data connections never resume the
 * control session: NET-408), and the extension's lifecycles. Resumed data connections are tested with the ftp module's
 * client, which depends on this kit.
 */
@Timeout(60)
class TlsFtpServerTest {

    @Test
    void refusesDataConnectionsThatDoNotResumeTheControlSession() throws Exception {
        try (TlsFtpServer server = TlsFtpServer.start()) {
            Files.writeString(server.home().resolve("a.txt"), "hello");
            FTPSClient client = commonsNet(server, server.explicitPort(), false);
            try {
                assertThrows(SSLException.class, () -> client.listNames(),
                        "a full TLS handshake on the data connection is refused");
                assertEquals(1, server.refusedDataConnections());
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void acceptsFullDataHandshakesWhenReuseIsNotRequired() throws Exception {
        try (TlsFtpServer server = TlsFtpServer.builder().allowDataWithoutSessionReuse().start()) {
            Files.writeString(server.home().resolve("a.txt"), "hello");
            for (int port : new int[] {server.explicitPort(), server.implicitPort()}) {
                FTPSClient client = commonsNet(server, port, port == server.implicitPort());
                try {
                    assertArrayEquals(new String[] {"a.txt"}, client.listNames());
                } finally {
                    client.disconnect();
                }
            }
            assertEquals(0, server.refusedDataConnections());
        }
    }

    @Test
    void refusesLoginBeforeAuthTls() throws Exception {
        try (TlsFtpServer server = TlsFtpServer.start()) {
            FTPClient plain = new FTPClient();
            plain.connect("127.0.0.1", server.explicitPort());
            try {
                assertFalse(plain.login(server.userName(), server.password()));
                assertEquals(530, plain.getReplyCode());
            } finally {
                plain.disconnect();
            }
        }
    }

    @Test
    void refusesTransfersOverClearDataConnections() throws Exception {
        try (TlsFtpServer server = TlsFtpServer.builder().allowDataWithoutSessionReuse().start()) {
            FTPSClient client = commonsNet(server, server.explicitPort(), false);
            try {
                client.execPROT("C");
                assertEquals(null, client.listNames());
                assertEquals(522, client.getReplyCode());
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void newHomeGivesAnEmptyDirectoryAndDeletesTheOldOne() throws IOException {
        try (TlsFtpServer server = TlsFtpServer.start()) {
            Path first = server.home();
            Files.writeString(first.resolve("left-over"), "x");
            Path second = server.newHome();
            assertNotEquals(first, second);
            assertFalse(Files.exists(first));
            try (var files = Files.list(second)) {
                assertEquals(0, files.count());
            }
        }
    }

    /** Commons Net configured as a careful user would: the kit's CA, PBSZ 0, PROT P, passive mode. */
    private static FTPSClient commonsNet(TlsFtpServer server, int port, boolean implicit) throws IOException {
        FTPSClient client = new FTPSClient(implicit, server.clientPolicy().sslContext());
        client.setDefaultTimeout(10_000);
        client.connect("127.0.0.1", port);
        client.setSoTimeout(10_000);
        assertTrue(client.login(server.userName(), server.password()), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.enterLocalPassiveMode();
        return client;
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class InAStaticFieldTheServerLivesForTheClassAndTheHomeIsNewPerTest {
        @RegisterExtension
        static final TlsFtpServerExtension ftp = new TlsFtpServerExtension();
        static final List<Object> seen = new ArrayList<>();

        @Test
        @Order(1)
        void first() throws IOException {
            seen.add(ftp.get());
            seen.add(ftp.home());
            Files.writeString(ftp.home().resolve("from-first-test"), "x");
        }

        @Test
        @Order(2)
        void second(TlsFtpServer injected, TlsPolicy policy) {
            assertSame(seen.get(0), injected, "same server");
            assertSame(ftp.clientPolicy(), policy);
            assertNotEquals(seen.get(1), ftp.home(), "a new home directory");
            assertFalse(Files.exists(ftp.home().resolve("from-first-test")));
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class InAnInstanceFieldTheServerLivesPerTest {
        @RegisterExtension
        final TlsFtpServerExtension ftp = new TlsFtpServerExtension(TlsFtpServer.builder().protocols("TLSv1.2"));
        static final List<Object> cas = new ArrayList<>();

        @Test
        @Order(1)
        void first() {
            cas.add(ftp.get().ca().certificate());
        }

        @Test
        @Order(2)
        void second() {
            assertNotEquals(cas.get(0), ftp.get().ca().certificate(), "a new CA, so a new server");
        }
    }
}
