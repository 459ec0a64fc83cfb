package dev.starttls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A connected pair of loopback sockets for tests. */
final class Loopback implements AutoCloseable {
    final Socket client;
    final Socket server;

    Loopback() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            server = listener.accept();
        }
    }

    void serverSends(String text) throws IOException {
        server.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        server.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
