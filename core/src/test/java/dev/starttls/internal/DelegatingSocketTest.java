package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every wrapper this library puts around a caller's socket (the layer under TLS, a tunnel, the server side's
 * alert-first socket) is a {@link DelegatingSocket}: what a caller or JSSE sets or asks on the wrapper must reach the
 * real connection, and what the real connection says must come back unchanged.
 */
class DelegatingSocketTest {
    private Socket real;
    private Socket peer;
    private DelegatingSocket wrapper;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            real = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            peer = listener.accept();
        }
        wrapper = new DelegatingSocket(real) { };
    }

    @AfterEach
    void close() throws IOException {
        real.close();
        peer.close();
    }

    @Test
    void reportsTheAddressesAndPortsOfTheRealConnection() {
        assertSame(real, wrapper.delegate());
        assertEquals(real.getInetAddress(), wrapper.getInetAddress());
        assertEquals(real.getLocalAddress(), wrapper.getLocalAddress());
        assertEquals(peer.getLocalPort(), wrapper.getPort());
        assertEquals(peer.getPort(), wrapper.getLocalPort());
        assertEquals(real.getRemoteSocketAddress(), wrapper.getRemoteSocketAddress());
        assertEquals(real.getLocalSocketAddress(), wrapper.getLocalSocketAddress());
        assertNull(wrapper.getChannel(), "a plain java.net.Socket has no channel");
        assertTrue(wrapper.isConnected());
        assertTrue(wrapper.isBound());
        assertTrue(wrapper.toString().contains(real.toString()), wrapper.toString());
    }

    @Test
    void bytesWrittenAndReadGoThroughTheRealConnection() throws IOException {
        wrapper.getOutputStream().write("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
        wrapper.getOutputStream().flush();
        assertArrayEquals("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII), peer.getInputStream().readNBytes(8));

        peer.getOutputStream().write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("250 ok\r\n".getBytes(StandardCharsets.US_ASCII), wrapper.getInputStream().readNBytes(8));
    }

    @Test
    void optionsSetOnTheWrapperReachTheRealConnection() throws IOException {
        wrapper.setTcpNoDelay(true);
        assertTrue(real.getTcpNoDelay());
        wrapper.setTcpNoDelay(false);
        assertFalse(real.getTcpNoDelay());

        wrapper.setSoTimeout(1234);
        assertEquals(1234, real.getSoTimeout());

        wrapper.setSoLinger(true, 7);
        assertEquals(7, real.getSoLinger());
        wrapper.setSoLinger(false, 0);
        assertEquals(-1, real.getSoLinger());

        wrapper.setKeepAlive(true);
        assertTrue(real.getKeepAlive());
        wrapper.setOOBInline(true);
        assertTrue(real.getOOBInline());
        wrapper.setReuseAddress(true);
        assertTrue(real.getReuseAddress());

        wrapper.setSendBufferSize(64 * 1024);
        assertEquals(real.getSendBufferSize(), wrapper.getSendBufferSize());
        wrapper.setReceiveBufferSize(64 * 1024);
        assertEquals(real.getReceiveBufferSize(), wrapper.getReceiveBufferSize());
        wrapper.setTrafficClass(0x10);
        assertEquals(real.getTrafficClass(), wrapper.getTrafficClass());

        assertSame(wrapper, wrapper.setOption(StandardSocketOptions.SO_KEEPALIVE, false), "setOption chains");
        assertFalse(real.getKeepAlive());
        assertEquals(real.supportedOptions(), wrapper.supportedOptions());
        wrapper.setPerformancePreferences(0, 1, 2); // no getter anywhere; must simply not fail
    }

    @Test
    void optionsOfTheRealConnectionAreWhatTheWrapperReports() throws IOException {
        real.setTcpNoDelay(true);
        assertTrue(wrapper.getTcpNoDelay());
        real.setSoTimeout(4321);
        assertEquals(4321, wrapper.getSoTimeout());
        real.setSoLinger(true, 3);
        assertEquals(3, wrapper.getSoLinger());
        real.setKeepAlive(true);
        assertTrue(wrapper.getKeepAlive());
        assertTrue(wrapper.getOption(StandardSocketOptions.SO_KEEPALIVE));
        real.setOOBInline(true);
        assertTrue(wrapper.getOOBInline());
        real.setReuseAddress(true);
        assertTrue(wrapper.getReuseAddress());
    }

    @Test
    void urgentDataReachesThePeer() throws IOException {
        peer.setOOBInline(true);
        wrapper.sendUrgentData('!');
        InputStream in = peer.getInputStream();
        assertEquals('!', in.read());
    }

    @Test
    void shutdownAndCloseActOnTheRealConnection() throws IOException {
        wrapper.shutdownOutput();
        assertTrue(real.isOutputShutdown());
        assertTrue(wrapper.isOutputShutdown());
        assertEquals(-1, peer.getInputStream().read(), "the peer sees our FIN");

        wrapper.shutdownInput();
        assertTrue(real.isInputShutdown());
        assertTrue(wrapper.isInputShutdown());

        wrapper.close();
        assertTrue(real.isClosed());
        assertTrue(wrapper.isClosed());
    }

    @Test
    void connectingOrBindingAnAlreadyConnectedSocketFailsAsTheRealSocketDoes() {
        InetSocketAddress somewhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.getLocalPort());
        assertThrows(SocketException.class, () -> wrapper.connect(somewhere));
        assertThrows(SocketException.class, () -> wrapper.connect(somewhere, 1000));
        assertThrows(SocketException.class, () -> wrapper.bind(new InetSocketAddress(0)));
    }
}
