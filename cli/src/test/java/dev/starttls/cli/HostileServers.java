package dev.starttls.cli;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The misbehaving servers the CLI tests probe, all on 127.0.0.1. */
final class HostileServers {
    private HostileServers() {
    }

    /** SMTP whose EHLO answer lacks STARTTLS, as after a stripping attack. */
    static ScriptedServer strippedSmtp() {
        return ScriptedServer.start(c -> {
            c.sendLine("220 stripped.example ESMTP");
            c.readLine();
            c.send("250-stripped.example\r\n250 AUTH PLAIN LOGIN\r\n");
            c.readUntilClosed();
        });
    }

    /** Implicit TLS with a certificate from {@code ca} for another host. */
    static ScriptedServer wrongHost(CertificateAuthority ca) {
        return ScriptedServer.start(c -> c.startTls(ca.issue("mail.example.net")));
    }

    /** Implicit TLS with an expired certificate for localhost from {@code ca}. */
    static ScriptedServer expired(CertificateAuthority ca) {
        return ScriptedServer.start(c -> c.startTls(ca.leaf().names("localhost", "127.0.0.1").expired().build()));
    }

    /** Accepts and never says a word. */
    static ScriptedServer silent() {
        return ScriptedServer.start(ScriptedServer.Conversation::readUntilClosed);
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
