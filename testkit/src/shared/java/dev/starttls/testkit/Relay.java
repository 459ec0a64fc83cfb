package dev.starttls.testkit;

import dev.starttls.internal.QuickAck;
import dev.starttls.internal.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/** Copies bytes both ways between two sockets until either side ends, then closes both. */
final class Relay {
    private Relay() {
    }

    /**
     * Relays until either side ends: {@code a} to {@code b} on the calling thread, {@code b} to {@code a} on a thread
     * of {@code executor}. {@code tap} (may be null) sees every chunk with its direction ({@code true} = from
     * {@code a}).
     */
    static void run(ExecutorService executor, Socket a, Socket b, BiConsumer<Boolean, byte[]> tap) {
        run(executor, a, null, b, tap);
    }

    /** {@link #run(ExecutorService, Socket, Socket, BiConsumer)} writing to {@code a} through {@code toA}. */
    static void run(ExecutorService executor, Socket a, OutputStream toA, Socket b, BiConsumer<Boolean, byte[]> tap) {
        executor.execute(() -> pump(b, a, toA, false, tap));
        pump(a, b, null, true, tap);
    }

    private static void pump(Socket from, Socket to, OutputStream toStream, boolean direction,
            BiConsumer<Boolean, byte[]> tap) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = toStream != null ? toStream : to.getOutputStream();
            int n;
            while (true) {
                QuickAck.rearm(from); // re-armed before each read: the kernel leaves quick-ACK mode on its own
                if ((n = in.read(buffer)) < 0) {
                    break;
                }
                if (tap != null) {
                    tap.accept(direction, Arrays.copyOf(buffer, n));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side ended or was closed; closing both below ends the other pump
        } finally {
            Failures.closeQuietly(from, to);
        }
    }
}
