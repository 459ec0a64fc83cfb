package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Handshake;
import dev.starttls.testkit.TlsFtpServer;
import dev.starttls.testkit.TlsFtpServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Explicit and implicit FTPS against the test kit's Apache FtpServer, which refuses every data connection that does not
 * resume the control session (like vsftpd): every file and listing below crossed a resumed TLS data connection.
 */
@Timeout(120)
class FtpTlsTest {
    @RegisterExtension
    static final TlsFtpServerExtension ftp = new TlsFtpServerExtension();

    @TempDir
    Path local;

    private FtpSession connect(boolean implicit) throws Exception {
        FtpSession session = implicit
                ? FtpTls.connectImplicit("localhost", ftp.implicitPort(), ftp.clientPolicy())
                : FtpTls.connect("localhost", ftp.explicitPort(), ftp.clientPolicy());
        session.login(ftp.userName(), ftp.password());
        return session;
    }

    @ParameterizedTest(name = "implicit={0}")
    @ValueSource(booleans = {false, true})
    void uploadsListsRenamesDownloadsAndDeletesOverResumedDataConnections(boolean implicit) throws Exception {
        byte[] content = new byte[300_000];
        new Random(42).nextBytes(content);
        List<Handshake> data = new ArrayList<>();
        try (FtpSession session = connect(implicit)) {
            assertTrue(session.isTls());
            assertTrue(session.isDataPrivate());
            assertEquals(implicit, session.report().implicit());
            try (OutputStream out = session.store("upload.bin")) {
                out.write(content);
            }
            data.add(session.lastDataHandshake().orElseThrow());
            assertArrayEquals(content, Files.readAllBytes(ftp.home().resolve("upload.bin")), "stored byte for byte");

            session.mkdir("dir");
            session.rename("upload.bin", "dir/renamed.bin");
            assertEquals(content.length, session.size("dir/renamed.bin"));
            assertTrue(session.list("dir").stream().anyMatch(l -> l.endsWith("renamed.bin")), "LIST");
            data.add(session.lastDataHandshake().orElseThrow());
            FtpEntry entry = session.mlsd("dir").stream().filter(e -> e.name().equals("renamed.bin")).findFirst()
                    .orElseThrow();
            data.add(session.lastDataHandshake().orElseThrow());
            assertTrue(entry.isFile());
            assertEquals(content.length, entry.size().orElseThrow());

            try (InputStream in = session.retrieve("dir/renamed.bin")) {
                assertArrayEquals(content, in.readAllBytes(), "retrieved byte for byte");
            }
            data.add(session.lastDataHandshake().orElseThrow());
            Path target = local.resolve("copy.bin");
            assertEquals(content.length, session.retrieve("dir/renamed.bin", target));
            assertArrayEquals(content, Files.readAllBytes(target));
            data.add(session.lastDataHandshake().orElseThrow());

            session.delete("dir/renamed.bin");
            assertFalse(Files.exists(ftp.home().resolve("dir/renamed.bin")));
        }
        for (Handshake h : data) {
            assertTrue(h.resumed(), "data connection resumed the control session: " + h);
        }
        assertEquals(0, ftp.get().refusedDataConnections());
    }

    @ParameterizedTest(name = "implicit={0}")
    @ValueSource(booleans = {false, true})
    void transfersTwoHundredSmallFilesInOneSession(boolean implicit) throws Exception {
        int resumed = 0;
        try (FtpSession session = connect(implicit)) {
            for (int i = 0; i < 200; i++) {
                try (OutputStream out = session.store("f" + i + ".txt")) {
                    out.write(("file " + i).getBytes(StandardCharsets.UTF_8));
                }
                resumed += session.lastDataHandshake().orElseThrow().resumed() ? 1 : 0;
            }
            for (int i = 0; i < 200; i++) {
                try (InputStream in = session.retrieve("f" + i + ".txt")) {
                    assertEquals("file " + i, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                resumed += session.lastDataHandshake().orElseThrow().resumed() ? 1 : 0;
            }
            assertEquals(200, session.mlsd("").stream().filter(FtpEntry::isFile).count());
        }
        assertEquals(400, resumed, "every data handshake resumed");
        assertEquals(0, ftp.get().refusedDataConnections());
    }

    @Test
    void asksNothingButAuthTlsInClear() throws Exception {
        try (FtpSession session = connect(false)) {
            assertEquals(List.of(), session.report().capabilitiesBeforeTls(), "nothing asked in clear");
            assertEquals("TLSv1.3", session.handshake().orElseThrow().protocol());
        }
    }

    @Nested
    class OverTls12 {
        @RegisterExtension
        final TlsFtpServerExtension tls12 = new TlsFtpServerExtension(TlsFtpServer.builder().protocols("TLSv1.2"));

        @Test
        void dataConnectionsResumeTheControlSession() throws Exception {
            Files.writeString(tls12.home().resolve("a.txt"), "hello");
            try (FtpSession session = FtpTls.connect("localhost", tls12.explicitPort(), tls12.clientPolicy())) {
                session.login(tls12.userName(), tls12.password());
                assertEquals("TLSv1.2", session.handshake().orElseThrow().protocol());
                for (int i = 0; i < 3; i++) {
                    try (InputStream in = session.retrieve("a.txt")) {
                        assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                    assertTrue(session.lastDataHandshake().orElseThrow().resumed());
                }
            }
        }
    }
}
