package dev.starttls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsUpgradeException.Failure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    private static final Deadline LONG = Deadline.after(Duration.ofSeconds(10));

    @Test
    void readsCrlfAndBareLfLinesWithoutTheirEndings() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("220 first\r\n250 second\n\r\n");
            assertEquals("220 first", reader.readLine(LONG));
            assertEquals("250 second", reader.readLine(LONG));
            assertEquals("", reader.readLine(LONG));
        }
    }

    @Test
    void assemblesALineThatArrivesInPieces() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            Thread sender = new Thread(() -> {
                try {
                    pair.serverSends("220 he");
                    Thread.sleep(50);
                    pair.serverSends("llo\r");
                    Thread.sleep(50);
                    pair.serverSends("\n");
                } catch (Exception ignored) {
                    // the assertion below fails instead
                }
            });
            sender.start();
            assertEquals("220 hello", reader.readLine(LONG));
            sender.join();
        }
    }

    @Test
    void acceptsALineOfExactlyTheMaximumLength() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 100);
            String line = "x".repeat(100);
            pair.serverSends(line + "\r\n");
            assertEquals(line, reader.readLine(LONG));
        }
    }

    @Test
    void refusesALineOverTheMaximumWithLimit() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 100);
            pair.serverSends("y".repeat(5000));
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(LONG));
            assertEquals(Failure.LIMIT, e.failure());
        }
    }

    @Test
    void aDrippingServerTimesOutOnTheReplyDeadlineNotPerRead() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            Thread dripper = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        pair.serverSends("x");
                        Thread.sleep(50);
                    }
                } catch (Exception ignored) {
                    // the client gave up
                }
            });
            dripper.start();
            long start = System.nanoTime();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class,
                    () -> reader.readLine(Deadline.after(Duration.ofMillis(300))));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Failure.TIMEOUT, e.failure());
            // each byte arrives well within any per-read timeout; only a whole-reply deadline stops this early
            assertTrue(tookMillis < 1500, "took " + tookMillis + " ms");
            dripper.interrupt();
            dripper.join();
        }
    }

    @Test
    void aPeerThatClosesIsClosed() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("220 partial");
            pair.server.close();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(LONG));
            assertEquals(Failure.CLOSED, e.failure());
        }
    }

    @Test
    void reportsBytesStillPendingAfterALine() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("220 go ahead\r\n");
            assertEquals("220 go ahead", reader.readLine(LONG));
            assertFalse(reader.hasPendingInput());
            pair.serverSends("250 injected\r\n");
            Thread.sleep(100);
            assertTrue(reader.hasPendingInput(), "bytes received by the OS count as pending");
        }
    }

    @Test
    void discardPendingInputDropsBufferedAndReceivedBytes() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("STARTTLS\r\nMAIL FROM:<evil>\r\n");
            assertEquals("STARTTLS", reader.readLine(LONG));
            assertEquals("MAIL FROM:<evil>\r\n".length(), reader.discardPendingInput());
            assertFalse(reader.hasPendingInput());
            pair.serverSends("NOOP\r\n");
            assertEquals("NOOP", reader.readLine(LONG));
        }
    }

    @Test
    void readsInBlocksNotOneSystemCallPerByte() throws Exception {
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            reply.append("250-extension number ").append(i).append("\r\n");
        }
        byte[] bytes = reply.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int[] reads = {0};
        java.io.InputStream counting = new java.io.ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                reads[0]++;
                return super.read(b, off, len);
            }

            @Override
            public synchronized int read() {
                reads[0]++;
                return super.read();
            }
        };
        try (java.net.Socket socket = new java.net.Socket() {
            @Override
            public java.io.InputStream getInputStream() {
                return counting;
            }
        }) {
            LineReader reader = LineReader.of(socket, 1024);
            for (int i = 0; i < 100; i++) {
                assertEquals("250-extension number " + i, reader.readLine(LONG));
            }
        }
        assertTrue(reads[0] <= 2, bytes.length + " bytes took " + reads[0] + " reads");
    }

    @Test
    void readFullyReadsCountedBytesAcrossBufferAndSocket() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("* 1 FETCH {10}\r\n0123456789)\r\n");
            assertEquals("* 1 FETCH {10}", reader.readLine(LONG));
            byte[] literal = new byte[10];
            reader.readFully(literal, 0, 10, LONG);
            assertEquals("0123456789", new String(literal, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(")", reader.readLine(LONG));
        }
    }

    @Test
    void aBufferedLineIsNotReturnedOnceTheDeadlineHasPassed() throws Exception {
        try (Loopback loop = new Loopback()) {
            loop.serverSends("250-first\r\n250 second\r\n");
            LineReader reader = LineReader.of(loop.client, 1024);
            Deadline deadline = Deadline.after(Duration.ofMillis(200));
            assertEquals("250-first", reader.readLine(deadline));
            assertTrue(reader.buffered() > 0 || reader.hasPendingInput());
            while (!deadline.hasPassed()) {
                Thread.onSpinWait();
            }
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(deadline));
            assertEquals(TlsUpgradeException.Failure.TIMEOUT, e.failure());
        }
    }

    @Test
    void discardPendingInputAlsoDropsWhatTheOsHoldsButWasNotReadYet() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("220 go ahead\r\n");
            assertEquals("220 go ahead", reader.readLine(LONG));
            String injected = "250 injected\r\n".repeat(1000); // 15,000 bytes: more than one buffer's worth
            pair.serverSends(injected);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (pair.client.getInputStream().available() < injected.length() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(injected.length(), reader.discardPendingInput());
            assertFalse(reader.hasPendingInput());
            assertEquals(0, reader.buffered());
        }
    }

    @Test
    void linesAcrossTheEndOfTheBufferAreReadWhole() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024); // a 4 KiB buffer
            StringBuilder wire = new StringBuilder();
            for (int i = 0; i < 300; i++) { // 300 lines of 30 bytes: lines straddle the buffer's end twice
                wire.append(String.format("250-line %019d\r\n", i));
            }
            pair.serverSends(wire.toString());
            for (int i = 0; i < 300; i++) {
                assertEquals(String.format("250-line %019d", i), reader.readLine(LONG));
            }
            assertEquals(wire.length(), reader.bytesReceived());
        }
    }

    @Test
    void takeBufferedHandsOverWhatArrivedAfterTheLastLine() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            pair.serverSends("HTTP/1.1 200 OK\r\n\r\n220 greeting");
            assertEquals("HTTP/1.1 200 OK", reader.readLine(LONG));
            assertEquals("", reader.readLine(LONG));
            assertEquals("220 greeting", new String(reader.takeBuffered(), java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(0, reader.buffered());
            assertEquals(0, reader.takeBuffered().length);
            assertEquals(pair.client, reader.socket());
        }
    }

    @Test
    void failuresNameTheEndpointAsTheCallerWroteIt() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, TlsPolicy.defaults(), Endpoint.of("mail.example.com", 587));
            pair.server.close();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(LONG));
            assertEquals("connection closed by mail.example.com:587", e.getMessage());
        }
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, TlsPolicy.defaults());
            pair.serverSends("220 half a line");
            pair.server.close();
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(LONG));
            assertTrue(e.getMessage().matches("connection closed by (localhost)?/?127\\.0\\.0\\.1:\\d+ .*"), e.getMessage());
            assertFalse(e.getMessage().startsWith("connection closed by /"), "no leading slash: " + e.getMessage());
            assertTrue(e.getMessage().endsWith(" in the middle of a line"), e.getMessage());
        }
    }

    @Test
    void aLineLongerThanTheMaximumIsRefusedBeforeItsEndArrives() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, TlsPolicy.builder().maxLineLength(512).build());
            pair.serverSends("x".repeat(514)); // no line end yet, and never one
            TlsUpgradeException e = assertThrows(TlsUpgradeException.class, () -> reader.readLine(LONG));
            assertEquals(Failure.LIMIT, e.failure());
            assertTrue(e.getMessage().endsWith(" is longer than 512 bytes"), e.getMessage());
        }
    }

    @Test
    void readFullyChecksItsRangeAndTheDeadline() throws Exception {
        try (Loopback pair = new Loopback()) {
            LineReader reader = LineReader.of(pair.client, 1024);
            assertThrows(IndexOutOfBoundsException.class, () -> reader.readFully(new byte[4], 2, 3, LONG));
            Deadline passed = Deadline.after(Duration.ofNanos(1));
            while (!passed.hasPassed()) {
                Thread.onSpinWait();
            }
            assertEquals(Failure.TIMEOUT, assertThrows(TlsUpgradeException.class,
                    () -> reader.readFully(new byte[4], 0, 4, passed)).failure());
        }
    }
}
