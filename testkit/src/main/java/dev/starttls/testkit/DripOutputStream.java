package dev.starttls.testkit;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/** Writes one byte at a time, {@link Hostile#DRIP_INTERVAL_MILLIS} apart: a server too slow for any reply deadline. */
final class DripOutputStream extends FilterOutputStream {
    DripOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = 0; i < length; i++) {
            write(bytes[offset + i]);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        out.flush();
        try {
            Thread.sleep(Hostile.DRIP_INTERVAL_MILLIS); // the point of dripping: time passes between bytes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("dripping interrupted");
        }
    }
}
