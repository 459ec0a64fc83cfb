package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The host a connected socket is verified against, without trusting the name service. */
class HostNamesTest {
    @Test
    void aReverseLookupByAnyoneDoesNotChangeTheHostToVerify() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort())) {
            String logged = socket.getInetAddress().getHostName(); // a log line: reverse DNS fills in "localhost"
            assertEquals("127.0.0.1", HostNames.connectedHost(socket), "after a lookup that gave " + logged);
        }
    }

    @Test
    void aSocketConnectedByNameIsVerifiedAgainstItsAddressBecauseThePlainSocketCannotProveTheName() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = new Socket("localhost", listener.getLocalPort())) {
            assertEquals(socket.getInetAddress().getHostAddress(), HostNames.connectedHost(socket));
        }
    }

    @Test
    void anUnconnectedSocketHasNoHostToVerify() throws Exception {
        try (Socket unconnected = new Socket()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> HostNames.connectedHost(unconnected));
            assertEquals("the socket is not connected: connect it, or pass the host name", e.getMessage());
        }
    }
}
