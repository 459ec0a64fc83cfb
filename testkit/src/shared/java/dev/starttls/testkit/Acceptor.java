package dev.starttls.testkit;

import dev.starttls.internal.Failures;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A loopback server socket on a free port with an accept thread and a handler thread per connection; closing it closes
 * every socket it accepted or registered and stops its threads.
 */
final class Acceptor implements Closeable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerSocket serverSocket;
    private final ExecutorService executor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    Acceptor(String name, Consumer<Socket> handler) throws IOException {
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        int id = IDS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.execute(() -> {
            while (!serverSocket.isClosed()) {
                try {
                    Socket client = serverSocket.accept();
                    client.setTcpNoDelay(true);
                    track(client);
                    executor.execute(() -> {
                        try {
                            handler.accept(client);
                        } finally {
                            untrack(client);
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    ExecutorService executor() {
        return executor;
    }

    /** Registers a socket to be closed with the acceptor. */
    <T extends Socket> T track(T socket) {
        open.add(socket);
        if (serverSocket.isClosed()) {
            Failures.closeQuietly(socket);
        }
        return socket;
    }

    /** Closes a socket and forgets it. */
    void untrack(Socket socket) {
        Failures.closeQuietly(socket);
        open.remove(socket);
    }

    @Override
    public void close() {
        Failures.closeQuietly(serverSocket);
        for (Socket s : open) {
            Failures.closeQuietly(s);
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
