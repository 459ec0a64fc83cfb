package dev.starttls.ftp;

import dev.starttls.Upgrader;
import dev.starttls.testkit.HeldCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The loopback port a scripted FTP server offers for data connections, open for one test. */
final class DataListener implements BeforeEachCallback, AfterEachCallback {
    private ServerSocket listener;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.setSoTimeout(10_000);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        listener.close();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The 229 reply (RFC 2428) that names this port. */
    String epsvReply() {
        return "229 Entering Extended Passive Mode (|||" + port() + "|)";
    }

    /** The 227 reply (RFC 959) that names {@code h1,h2,h3,h4} and this port. */
    String pasvReply(String address) {
        return "227 Entering Passive Mode (" + address + "," + port() / 256 + "," + port() % 256 + ")";
    }

    /** The client's data connection, as it arrives. */
    Socket accept() throws IOException {
        return listener.accept();
    }

    /** The client's data connection, its TLS handshake completed with {@code certificate}. */
    SSLSocket acceptTls(HeldCertificate certificate) throws IOException {
        return Upgrader.of(certificate.serverPolicy()).acceptImplicit(accept());
    }

    /** Reads the next data connection to its end: -1 once the client closed it (a timeout if it never does). */
    int readToEnd() throws IOException {
        try (Socket data = accept()) {
            data.setSoTimeout(5_000);
            return data.getInputStream().read();
        }
    }
}
