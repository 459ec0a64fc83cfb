package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import dev.starttls.testkit.ScriptedServer.Conversation;
import dev.starttls.testkit.TlsFtpServer;
import dev.starttls.testkit.TlsFtpServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.io.CopyStreamException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code FtpTls.commonsNet(policy)}: Commons Net's own {@link FTPSClient} API, used as its users use it, against the
 * test kit's Apache FtpServer (which refuses every data connection that does not resume the control session) and
 * against scripted hostile servers.
 */
@Timeout(60)
class FtpCommonsNetTest {
    @RegisterExtension
    static final TlsFtpServerExtension ftp = new TlsFtpServerExtension();

    /** A client that records the commands it sends, as a Commons Net user sees them with a command listener. */
    private static FTPSClient client(TlsPolicy policy, boolean implicit, List<String> commands) {
        FTPSClient client = implicit ? FtpTls.commonsNetImplicit(policy) : FtpTls.commonsNet(policy);
        client.addProtocolCommandListener(new ProtocolCommandListener() {
            @Override
            public void protocolCommandSent(ProtocolCommandEvent event) {
                commands.add(event.getMessage().trim());
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent event) {
                // only the commands matter here
            }
        });
        return client;
    }

    private static void loginBinaryPassive(FTPSClient client) throws IOException {
        assertTrue(client.login(ftp.userName(), ftp.password()), client.getReplyString());
        assertTrue(client.setFileType(FTP.BINARY_FILE_TYPE));
        client.enterLocalPassiveMode();
    }

    @ParameterizedTest(name = "implicit={0}")
    @ValueSource(booleans = {false, true})
    void storesListsAndRetrievesOverDataConnectionsThatResumeTheControlSession(boolean implicit) throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        List<String> commands = new CopyOnWriteArrayList<>();
        FTPSClient client = client(ftp.clientPolicy(), implicit, commands);
        client.connect("localhost", implicit ? ftp.implicitPort() : ftp.explicitPort());
        try {
            loginBinaryPassive(client);
            assertTrue(client.storeFile("up.bin", new ByteArrayInputStream(content)), client.getReplyString());
            assertArrayEquals(content, Files.readAllBytes(ftp.home().resolve("up.bin")));
            assertEquals(List.of("up.bin"), List.of(client.listNames()));
            ByteArrayOutputStream down = new ByteArrayOutputStream();
            assertTrue(client.retrieveFile("up.bin", down), client.getReplyString());
            assertArrayEquals(content, down.toByteArray());
            assertTrue(client.logout());
        } finally {
            client.disconnect();
        }
        // the server refuses data connections that do not resume the control session: none was refused
        assertEquals(0, ftp.get().refusedDataConnections());
        List<String> expected = implicit ? List.of("PBSZ 0", "PROT P", "USER " + ftp.userName())
                : List.of("AUTH TLS", "PBSZ 0", "PROT P", "USER " + ftp.userName());
        assertEquals(expected, commands.subList(0, expected.size()), "RFC 4217 order, PROT P before credentials");
        assertFalse(commands.stream().anyMatch(c -> c.startsWith("REST")), "no REST without a restart offset");
    }

    @Test
    void appliesThePolicysTimeoutsAndNoDelayToTheControlConnection() throws Exception {
        TlsPolicy policy = ftp.clientPolicy().newBuilder().connectTimeout(Duration.ofMillis(4321))
                .readTimeout(Duration.ofMillis(9876)).build();
        FTPSClient client = FtpTls.commonsNet(policy);
        assertTrue(client.isEndpointCheckingEnabled(), "host names are checked, and the getter says so");
        assertEquals(4321, client.getConnectTimeout());
        client.connect("localhost", ftp.explicitPort());
        try {
            assertTrue(client.getTcpNoDelay(), "no Nagle/delayed-ACK stall per command");
            assertEquals(9876, client.getSoTimeout());
        } finally {
            client.disconnect();
        }
    }

    /** One client, connected, used and disconnected twice: the second session is as protected as the first. */
    @Test
    void transfersOverResumedDataConnectionsAfterReconnecting() throws Exception {
        Files.writeString(ftp.home().resolve("a.txt"), "hello");
        FTPSClient client = FtpTls.commonsNet(ftp.clientPolicy());
        for (int i = 0; i < 2; i++) {
            client.connect("localhost", ftp.explicitPort());
            try {
                assertTrue(client.getTcpNoDelay(), "connection " + (i + 1));
                loginBinaryPassive(client);
                assertRetrieves(client, "hello");
            } finally {
                client.disconnect();
            }
        }
        assertEquals(0, ftp.get().refusedDataConnections());
    }

    @Test
    void resumesADownloadFromTheRestartOffset() throws Exception {
        Files.writeString(ftp.home().resolve("a.txt"), "0123456789");
        FTPSClient client = FtpTls.commonsNet(ftp.clientPolicy());
        client.connect("localhost", ftp.explicitPort());
        try {
            loginBinaryPassive(client);
            client.setRestartOffset(4);
            assertRetrieves(client, "456789");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void answersFalseForAMissingFileAndStaysUsable() throws Exception {
        Files.writeString(ftp.home().resolve("a.txt"), "hello");
        FTPSClient client = FtpTls.commonsNet(ftp.clientPolicy());
        client.connect("localhost", ftp.explicitPort());
        try {
            loginBinaryPassive(client);
            assertFalse(client.retrieveFile("missing.txt", OutputStream.nullOutputStream()));
            assertEquals(550, client.getReplyCode());
            assertRetrieves(client, "hello");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void refusesAServerItsPolicyDoesNotTrust() throws Exception {
        FTPSClient client = FtpTls.commonsNet(CertificateAuthority.create().trustingPolicy());
        try {
            IOException e = assertThrows(IOException.class, () -> client.connect("localhost", ftp.explicitPort()));
            TlsUpgradeException failure = assertInstanceOf(TlsUpgradeException.class, e);
            assertEquals(Failure.CERTIFICATE, failure.failure());
            assertInstanceOf(SSLHandshakeException.class, failure.getCause(), "the JSSE detail is kept");
        } finally {
            client.disconnect();
        }
    }

    /** Clear data connections after the user's own {@code PROT C}, on a server that allows them. */
    @Nested
    class WithClearDataAllowed {
        @RegisterExtension
        final TlsFtpServerExtension lenient = new TlsFtpServerExtension(TlsFtpServer.builder().allowUnprotectedData());

        @Test
        void transfersInClearOnlyAfterTheCallersProtC() throws Exception {
            Files.writeString(lenient.home().resolve("a.txt"), "hello");
            FTPSClient client = FtpTls.commonsNet(lenient.clientPolicy());
            client.connect("localhost", lenient.explicitPort());
            try {
                assertTrue(client.login(lenient.userName(), lenient.password()));
                client.enterLocalPassiveMode();
                client.execPROT("C");
                assertRetrieves(client, "hello");
            } finally {
                client.disconnect();
            }
        }
    }

    /** Scripted servers: what the adapter does when a server (or the network) misbehaves. */
    @Nested
    class AgainstHostileServers {
        private final CertificateAuthority ca = CertificateAuthority.create();
        private final HeldCertificate certificate = ca.issue("localhost", "127.0.0.1");
        private final TlsPolicy policy = ca.trustingPolicy().newBuilder().readTimeout(Duration.ofSeconds(5)).build();
        @RegisterExtension
        final DataListener data = new DataListener();

        /** 220, AUTH TLS, 234, TLS with {@code serverCertificate}, PBSZ 0, PROT P, USER, PASS. */
        private void upToLogin(Conversation c, HeldCertificate serverCertificate) throws Exception {
            c.sendLine("220 scripted FTP");
            assertEquals("AUTH TLS", c.readLine());
            c.sendLine("234 go ahead");
            c.startTls(serverCertificate);
            assertEquals("PBSZ 0", c.readLine());
            c.sendLine("200 PBSZ=0");
            assertEquals("PROT P", c.readLine());
            c.sendLine("200 PROT now Private");
            c.readLine();
            c.sendLine("331 password please");
            c.readLine();
            c.sendLine("230 logged in");
        }

        /** {@link #upToLogin}, EPSV pointing at the data listener, then RETR and its 150. */
        private void upToRetrieve(Conversation c) throws Exception {
            upToLogin(c, certificate);
            assertEquals("EPSV", c.readLine());
            c.sendLine(data.epsvReply());
            assertTrue(c.readLine().startsWith("RETR"));
            c.sendLine("150 here it comes");
        }

        private FTPSClient loggedIn(ScriptedServer server, TlsPolicy clientPolicy) throws IOException {
            FTPSClient client = FtpTls.commonsNet(clientPolicy);
            client.connect("localhost", server.port());
            assertTrue(client.login("alice", "secret"));
            client.enterLocalPassiveMode();
            return client;
        }

        @Test
        void refusesAControlCertificateForAnotherHostAndClosesTheConnection() throws Exception {
            HeldCertificate other = ca.issue("other.example");
            CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
            try (ScriptedServer server = ScriptedServer.start(c -> {
                c.sendLine("220 scripted FTP");
                c.readLine();
                c.sendLine("234 go ahead");
                try {
                    c.startTls(other);
                } catch (IOException refusedByTheClient) {
                    closedByClient.complete(true);
                }
            })) {
                FTPSClient client = FtpTls.commonsNet(policy);
                try {
                    IOException e = assertThrows(IOException.class, () -> client.connect("localhost", server.port()));
                    assertEquals(Failure.CERTIFICATE, assertInstanceOf(TlsUpgradeException.class, e).failure());
                    assertTrue(e.getMessage().contains("localhost"), e.getMessage());
                    assertTrue(closedByClient.get(10, TimeUnit.SECONDS));
                    assertEquals(List.of("AUTH TLS"), server.receivedInClear(), "nothing but AUTH TLS in clear");
                } finally {
                    client.disconnect();
                }
            }
        }

        @Test
        void demandsAHostNameToVerifyAndClosesTheConnection() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                c.sendLine("220 scripted FTP");
                c.readLine();
                c.sendLine("234 go ahead");
                c.readUntilClosed();
            })) {
                FTPSClient client = FtpTls.commonsNet(policy);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> client.connect(InetAddress.getLoopbackAddress(), server.port()));
                assertTrue(e.getMessage().contains("host name"), e.getMessage());
                server.awaitScript(Duration.ofSeconds(5)); // ends only when the client closed the connection
                client.disconnect();
            }
        }

        @Test
        void rejectsPlaintextInjectedAfterTheGoAhead() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                c.sendLine("220 scripted FTP");
                c.readLine();
                c.send("234 go ahead\r\n230 injected login\r\n");
                c.readUntilClosed();
            })) {
                FTPSClient client = FtpTls.commonsNet(policy);
                TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                        () -> client.connect("localhost", server.port()));
                assertEquals(Failure.INJECTION, e.failure());
                server.awaitScript(Duration.ofSeconds(5));
                client.disconnect();
            }
        }

        @Test
        void refusesADataCertificateForAnotherHost() throws Exception {
            HeldCertificate other = ca.issue("other.example");
            CompletableFuture<Boolean> refused = new CompletableFuture<>();
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToRetrieve(c);
                try (SSLSocket tls = data.acceptTls(other)) {
                    refused.complete(false);
                } catch (TlsUpgradeException expected) {
                    refused.complete(true);
                }
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                            () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    assertEquals(Failure.CERTIFICATE, e.failure());
                    assertTrue(refused.get(10, TimeUnit.SECONDS), "the data handshake failed on the server too");
                } finally {
                    client.disconnect();
                }
            }
        }

        @Test
        void refusesPlaintextOnTheDataConnectionAfterProtP() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToRetrieve(c);
                try (Socket plain = data.accept()) {
                    plain.getOutputStream().write("the file, in clear\r\n".getBytes(StandardCharsets.US_ASCII));
                    plain.getInputStream().read();
                }
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                            () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    assertEquals(Failure.HANDSHAKE, e.failure());
                } finally {
                    client.disconnect();
                }
            }
        }

        /** RFC 4217 12.6: a data stream cut without close_notify is a truncated file, whatever 226 follows. */
        @Test
        void reportsADownloadCutWithoutCloseNotifyAsTruncated() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToRetrieve(c);
                Socket plain = data.accept();
                SSLSocket tls = Upgrader.of(certificate.serverPolicy()).acceptImplicit(plain);
                tls.getOutputStream().write("the first half".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                plain.close(); // a FIN without close_notify: an attacker's, in the middle of the file
                c.sendLine("226 done"); // what the server says, having sent it all
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    IOException e = assertThrows(IOException.class,
                            () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    TlsUpgradeException truncated = assertInstanceOf(TlsUpgradeException.class, copyFailure(e));
                    assertEquals(Failure.CLOSED, truncated.failure());
                    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
                } finally {
                    client.disconnect();
                }
            }
        }

        @Test
        void connectsToTheControlPeerWhateverThePasvReplyNames() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToLogin(c, certificate);
                assertEquals("EPSV", c.readLine());
                c.sendLine("502 EPSV not implemented");
                assertEquals("PASV", c.readLine());
                c.sendLine(data.pasvReply("10,9,8,7"));
                c.readLine();
                c.sendLine("150 here it comes");
                try (SSLSocket tls = data.acceptTls(certificate)) {
                    tls.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                }
                c.sendLine("226 done");
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    assertRetrieves(client, "hello");
                } finally {
                    client.disconnect();
                }
            }
        }

        @Test
        void failsWhenTheServerRefusesEpsvAndPasv() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToLogin(c, certificate);
                c.readLine();
                c.sendLine("502 EPSV not implemented");
                c.readLine();
                c.sendLine("502 PASV not implemented");
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                            () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    assertEquals(Failure.REJECTED, e.failure());
                    assertTrue(e.getMessage().contains("502 PASV not implemented"), e.getMessage());
                } finally {
                    client.disconnect();
                }
            }
        }

        /** Commons Net's answer to a refused transfer is {@code false}; the data connection made for it is closed. */
        @ParameterizedTest(name = "{0} refused")
        @ValueSource(strings = {"REST", "RETR"})
        void answersFalseAndClosesTheDataConnectionWhenTheServerRefuses(String refused) throws Exception {
            CompletableFuture<Integer> dataEnd = new CompletableFuture<>();
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToLogin(c, certificate);
                c.readLine();
                c.sendLine(data.epsvReply());
                if (refused.equals("REST")) {
                    assertEquals("REST 4", c.readLine());
                    c.sendLine("502 REST not implemented");
                } else {
                    assertEquals("RETR a.txt", c.readLine());
                    c.sendLine("550 a.txt: no such file");
                }
                dataEnd.complete(data.readToEnd());
                c.readUntilClosed();
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    client.setRestartOffset(refused.equals("REST") ? 4 : 0);
                    assertFalse(client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    assertEquals(-1, dataEnd.get(10, TimeUnit.SECONDS), "the data connection was closed");
                } finally {
                    client.disconnect();
                }
            }
        }

        @Test
        void closesTheDataConnectionWhenTheControlConnectionDrops() throws Exception {
            CompletableFuture<Integer> dataEnd = new CompletableFuture<>();
            try (ScriptedServer server = ScriptedServer.start(c -> {
                upToLogin(c, certificate);
                c.readLine();
                c.sendLine(data.epsvReply());
                c.readLine(); // RETR: the server goes away instead of answering
                c.socket().close();
                dataEnd.complete(data.readToEnd());
            })) {
                FTPSClient client = loggedIn(server, policy);
                try {
                    assertThrows(IOException.class,
                            () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream()));
                    assertEquals(-1, dataEnd.get(10, TimeUnit.SECONDS), "the data connection was closed");
                } finally {
                    client.disconnect();
                }
            }
        }

        /** A data connection that completes its handshake and then sends nothing. */
        private void silentData(Conversation c) throws Exception {
            upToRetrieve(c);
            try (SSLSocket tls = data.acceptTls(certificate)) {
                tls.getInputStream().read(); // until the client gives up and closes
            } catch (IOException e) {
                // the client closed without close_notify: also a way to give up
            }
            c.readUntilClosed();
        }

        @Test
        void givesUpOnASilentDataConnectionAfterTheDataTimeout() throws Exception {
            try (ScriptedServer server = ScriptedServer.start(this::silentData)) {
                FTPSClient client = loggedIn(server, policy.newBuilder().readTimeout(Duration.ofSeconds(40)).build());
                try {
                    client.setDataTimeout(Duration.ofMillis(500));
                    assertTimedOut(client);
                } finally {
                    client.disconnect();
                }
            }
        }

        /** Commons Net takes a data timeout of 0 for "wait forever"; the policy never waits forever. */
        @ParameterizedTest(name = "data timeout {0} ms")
        @ValueSource(ints = {-1, 0})
        void givesUpOnASilentDataConnectionAfterThePolicysReadTimeoutWithoutADataTimeout(int millis) throws Exception {
            try (ScriptedServer server = ScriptedServer.start(this::silentData)) {
                FTPSClient client = loggedIn(server, policy.newBuilder().readTimeout(Duration.ofMillis(1500)).build());
                try {
                    client.setDataTimeout(Duration.ofMillis(millis));
                    assertTimedOut(client);
                } finally {
                    client.disconnect();
                }
            }
        }
    }

    /** Downloads {@code a.txt} with Commons Net's retrieveFile and checks its content. */
    private static void assertRetrieves(FTPSClient client, String content) throws IOException {
        ByteArrayOutputStream down = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("a.txt", down), client.getReplyString());
        assertEquals(content, down.toString(StandardCharsets.US_ASCII));
    }

    /** A download that fails because its data connection stayed silent past the read timeout, within 15 s. */
    private static void assertTimedOut(FTPSClient client) {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(IOException.class,
                () -> client.retrieveFile("a.txt", OutputStream.nullOutputStream())));
        assertInstanceOf(SocketTimeoutException.class, copyFailure(e));
    }

    /** What failed while Commons Net copied a stream (it wraps it in a CopyStreamException). */
    private static IOException copyFailure(IOException e) {
        return e instanceof CopyStreamException copy ? copy.getIOException() : e;
    }
}
