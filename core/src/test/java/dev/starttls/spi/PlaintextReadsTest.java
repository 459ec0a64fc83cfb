package dev.starttls.spi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.Endpoint;
import dev.starttls.internal.DelegatingSocket;
import dev.starttls.spi.AddingAProtocolTest.ToyDialogue;
import dev.starttls.spi.AddingAProtocolTest.ToySession;
import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.HeldCertificate;
import dev.starttls.testkit.ScriptedServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #20: the plaintext dialogue is read from the socket in blocks, never a system call per byte. The socket under
 * the upgrade counts every read asked of it and how many bytes each asked for; the reads that returned the server's
 * plaintext (up to the go-ahead) are then checked.
 */
@Timeout(30)
class PlaintextReadsTest {
    private static final String GREETING = "OK toy ready\r\n";
    private static final String CAPABILITIES = "STARTTLS\r\nPIPELINING\r\nSIZE 35882577\r\n8BITMIME\r\n"
            + "ENHANCEDSTATUSCODES\r\nSMTPUTF8\r\nAUTH PLAIN LOGIN\r\nCHUNKING\r\n.\r\n";
    private static final String GO_AHEAD = "OK go\r\n";

    private final CertificateAuthority ca = CertificateAuthority.create();
    private final HeldCertificate certificate = ca.issue("localhost");

    /** A socket that records each read call: the bytes asked for and the bytes returned. */
    static final class CountingSocket extends DelegatingSocket {
        final List<int[]> reads = new ArrayList<>();

        CountingSocket(Socket plain) {
            super(plain);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(delegate.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    record(1, b < 0 ? -1 : 1);
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    record(len, n);
                    return n;
                }
            };
        }

        private synchronized void record(int asked, int returned) {
            reads.add(new int[] {asked, returned});
        }

        /** The reads that returned the first {@code plaintextBytes} bytes of the connection. */
        synchronized List<int[]> readsOfTheFirst(int plaintextBytes) {
            List<int[]> plaintext = new ArrayList<>();
            int received = 0;
            for (int[] read : reads) {
                if (received >= plaintextBytes) {
                    break;
                }
                plaintext.add(read);
                received += Math.max(0, read[1]);
            }
            return plaintext;
        }
    }

    @Test
    void readsTheMultiLinePlaintextDialogueInBlocksNeverAByteAtATime() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.send(GREETING);
            c.readLine(); // CAPS
            c.send(CAPABILITIES); // one write of nine lines
            c.readLine(); // STARTTLS
            c.send(GO_AHEAD);
            c.startTls(certificate);
            c.readLine(); // CAPS again, inside TLS
            c.send("STARTTLS\r\n.\r\n");
            c.readUntilClosed();
        })) {
            CountingSocket socket = new CountingSocket(new Socket(InetAddress.getLoopbackAddress(), server.port()));
            try (ToySession toy = StartTls.upgrade(socket, Endpoint.of("localhost", server.port()),
                    ca.trustingPolicy(), new ToyDialogue())) {
                assertTrue(toy.isTls());
            }
            int plaintextBytes = (GREETING + CAPABILITIES + GO_AHEAD).getBytes(StandardCharsets.US_ASCII).length;
            List<int[]> plaintextReads = socket.readsOfTheFirst(plaintextBytes);
            String seen = describe(plaintextReads);
            // three replies, each sent in one write: one read each, a second one if loopback splits a reply
            assertTrue(plaintextReads.size() <= 6, "too many reads for " + plaintextBytes + " bytes: " + seen);
            for (int[] read : plaintextReads) {
                assertTrue(read[0] >= 1024, "a plaintext read asked for only " + read[0] + " bytes: " + seen);
            }
        }
    }

    private static String describe(List<int[]> reads) {
        StringBuilder text = new StringBuilder();
        for (int[] read : reads) {
            text.append(" read(").append(read[0]).append(")=").append(read[1]);
        }
        return text.toString().trim();
    }
}
