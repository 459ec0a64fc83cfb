package dev.starttls.boringssl;

import io.netty.util.ReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.AlgorithmConstraints;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An {@link SSLSocket} that drives an {@link SSLEngine} (BoringSSL's) over a connected plain socket with blocking
 * reads and writes, so that everything written for JSSE's sockets works unchanged. A handshake flight goes out in one
 * write; the engine is created at the first handshake, once the mode and parameters are known, and its native state
 * is freed on close. Reads and writes may run on two threads at once; {@link #close()} from a third never waits for
 * either. Not API.
 */
final class EngineSocket extends SSLSocket {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int FLUSH_AT = 32 * 1024;

    private final BoringSslContext context;
    private final Socket plain;
    private final boolean autoClose;
    private final InputStream consumed; // server side: bytes the caller already read from the plain socket
    private String peerHost; // with peerPort, the session cache key; set by connect() when created unconnected
    private int peerPort;

    private final long createdMillis = System.currentTimeMillis(); // before any caller starts timing the handshake
    private final Object handshakeLock = new Object();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();
    private final InputStream in = new AppInput();
    private final OutputStream out = new AppOutput();

    // settings, applied to the engine when it is created (and at once if it exists)
    private volatile boolean clientMode;
    private SSLParameters parameters;
    private boolean sessionCreation = true;

    private volatile SSLEngine engine;
    private volatile HandshakeSession session; // set once the handshake is done
    private long handshakeMillis; // how long the handshake took: about the time a TLS 1.3 ticket needs to come
    private volatile boolean receivedAfterHandshake; // any record, such as a TLS 1.3 ticket
    private IOException handshakeFailure;
    private volatile boolean closed;
    private volatile boolean inboundDone;
    private volatile boolean outboundDone;
    private InputStream rawIn;
    private OutputStream rawOut;
    // netIn and netOut are in write mode between calls (data from 0 to position); appIn too
    private ByteBuffer netIn = ByteBuffer.allocate(17 * 1024);
    private ByteBuffer appIn = ByteBuffer.allocate(17 * 1024);
    private ByteBuffer netOut = ByteBuffer.allocate(17 * 1024);

    private EngineSocket(BoringSslContext context, Socket plain, boolean autoClose, InputStream consumed,
            String peerHost, int peerPort, boolean clientMode) {
        this.context = context;
        this.plain = plain;
        this.autoClose = autoClose;
        this.consumed = consumed;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.clientMode = clientMode;
        this.parameters = context.engineGetDefaultSSLParameters();
    }

    /** Client side over a connected socket, as {@code SSLSocketFactory.createSocket(socket, host, port, autoClose)}. */
    static EngineSocket client(BoringSslContext context, Socket plain, String host, int port, boolean autoClose) {
        return new EngineSocket(context, plain, autoClose, null, host, port, true);
    }

    /** Server side over an accepted socket, as {@code createSocket(socket, consumed, autoClose)}. */
    static EngineSocket server(BoringSslContext context, Socket plain, InputStream consumed, boolean autoClose) {
        return new EngineSocket(context, plain, autoClose, consumed, null, plain.getPort(), false);
    }

    /** Client side over a socket that {@link #connect} will connect; closing this closes it. */
    static EngineSocket unconnected(BoringSslContext context, String host) {
        return new EngineSocket(context, new Socket(), true, null, host, -1, true);
    }

    // ---------------------------------------------------------------------------------------------- the handshake

    @Override
    public void startHandshake() throws IOException {
        synchronized (handshakeLock) {
            if (session != null) {
                return; // no renegotiation
            }
            if (handshakeFailure != null) {
                throw new SSLHandshakeException("the TLS handshake already failed: " + handshakeFailure.getMessage());
            }
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            try {
                SSLEngine e = engine();
                long start = System.currentTimeMillis();
                e.beginHandshake();
                runHandshake(e);
                handshakeMillis = System.currentTimeMillis() - start;
                HandshakeSession done = new HandshakeSession(e.getSession(), Reuse.isSessionReused(e), createdMillis,
                        start);
                requireEnabledSuite(done.getCipherSuite());
                session = done;
            } catch (IOException | RuntimeException e) {
                IOException failure;
                if (e instanceof SSLException) {
                    failure = HandshakeErrors.explain((SSLException) e);
                } else if (e instanceof IOException) {
                    failure = (IOException) e;
                } else {
                    failure = new SSLHandshakeException(String.valueOf(e.getMessage()));
                    failure.initCause(e);
                }
                handshakeFailure = failure;
                sendAlertQuietly();
                throw failure;
            }
        }
        if (!listeners.isEmpty()) {
            HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, getSession());
            for (HandshakeCompletedListener listener : listeners) {
                listener.handshakeCompleted(event);
            }
        }
    }

    /**
     * BoringSSL offers every TLS 1.3 suite it has, whatever is enabled (it has no switch for them): a suite the
     * parameters do not enable fails the handshake here, so a policy is never silently widened.
     */
    private void requireEnabledSuite(String suite) throws SSLHandshakeException {
        if (!Arrays.asList(parameters.getCipherSuites()).contains(suite)) {
            throw new SSLHandshakeException("the server chose " + suite + ", which is not enabled; BoringSSL cannot "
                    + "restrict the TLS 1.3 suites it offers, so enable all three or use JSSE");
        }
    }

    private void runHandshake(SSLEngine e) throws IOException {
        HandshakeStatus status = e.getHandshakeStatus();
        while (true) {
            switch (status) {
                case NEED_WRAP:
                    status = wrap(e, EMPTY).getHandshakeStatus();
                    if (status != HandshakeStatus.NEED_WRAP) {
                        flush(); // the whole flight in one write
                    }
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    flush();
                    SSLEngineResult result = unwrap(e);
                    if (result == null) {
                        SSLHandshakeException closedEarly = new SSLHandshakeException(
                                "the peer closed the connection during the TLS handshake");
                        closedEarly.initCause(new EOFException("end of stream"));
                        throw closedEarly;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLHandshakeException("the peer ended TLS (close_notify) during the handshake");
                    }
                    status = result.getHandshakeStatus();
                    break;
                case NEED_TASK:
                    runTasks(e);
                    status = e.getHandshakeStatus();
                    break;
                default: // FINISHED, NOT_HANDSHAKING
                    flush();
                    return;
            }
        }
    }

    private static void runTasks(SSLEngine e) {
        for (Runnable task = e.getDelegatedTask(); task != null; task = e.getDelegatedTask()) {
            task.run();
        }
    }

    /** The engine, created on first use with the mode and parameters set so far. */
    private SSLEngine engine() throws IOException {
        SSLEngine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (this) {
            if (engine == null) {
                SSLParameters p = parameters;
                List<String> alpn = p.getApplicationProtocols() == null
                        ? List.of() : Arrays.asList(p.getApplicationProtocols());
                if (clientMode) {
                    e = context.clientEngine(alpn, peerHost != null ? peerHost : connectedAddress(plain), peerPort);
                } else {
                    e = context.serverEngine(alpn);
                }
                e.setUseClientMode(clientMode); // netty has no switch for session creation: it always may
                e.setSSLParameters(withoutConstraints(p));
                rawIn = consumed == null ? plain.getInputStream() : new SequenceInputStream(consumed,
                        plain.getInputStream());
                rawOut = plain.getOutputStream();
                engine = e;
            }
            return engine;
        }
    }

    /**
     * The name to verify when the caller gave none ({@code Endpoint.ofConnected}): the address. JSSE can use the name
     * the socket was connected with, which only the JDK can see; the name an {@code InetAddress} shows may come from
     * a reverse lookup, which must never be trusted, so this provider verifies the address (stricter: a certificate
     * without that IP address fails as {@code CERTIFICATE}).
     */
    static String connectedAddress(Socket socket) {
        InetAddress address = socket.getInetAddress();
        return address == null ? null : address.getHostAddress();
    }

    /** netty's engine refuses algorithm constraints; BoringSSL has no finite-field DH for them to restrict. */
    private static SSLParameters withoutConstraints(SSLParameters p) {
        AlgorithmConstraints constraints = p.getAlgorithmConstraints();
        if (constraints == null) {
            return p;
        }
        SSLParameters copy = copy(p);
        copy.setAlgorithmConstraints(null);
        return copy;
    }

    /** A copy of every setting this provider honours (SSLParameters has no copy constructor). */
    static SSLParameters copy(SSLParameters p) {
        SSLParameters copy = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        copy.setAlgorithmConstraints(p.getAlgorithmConstraints());
        copy.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        copy.setServerNames(p.getServerNames());
        copy.setSNIMatchers(p.getSNIMatchers());
        copy.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        if (p.getNeedClientAuth()) {
            copy.setNeedClientAuth(true);
        } else if (p.getWantClientAuth()) {
            copy.setWantClientAuth(true);
        }
        copy.setApplicationProtocols(p.getApplicationProtocols());
        copy.setMaximumPacketSize(p.getMaximumPacketSize());
        return copy;
    }

    /** After a failed handshake: the alert BoringSSL has queued goes out, so the peer learns why. */
    private void sendAlertQuietly() {
        SSLEngine e = engine;
        if (e == null || !writeLock.tryLock()) {
            return;
        }
        try {
            e.closeOutbound();
            while (!e.isOutboundDone()) {
                SSLEngineResult result = wrap(e, EMPTY);
                if (result.bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the connection is being given up anyway
        } finally {
            writeLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    /** Wraps into {@link #netOut}, growing it when a record does not fit. */
    private SSLEngineResult wrap(SSLEngine e, ByteBuffer source) throws SSLException {
        while (true) {
            SSLEngineResult result = e.wrap(source, netOut);
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result;
            }
            netOut = grow(netOut, e.getSession().getPacketBufferSize());
        }
    }

    private void flush() throws IOException {
        if (netOut.position() > 0) {
            rawOut.write(netOut.array(), 0, netOut.position());
            rawOut.flush();
            netOut.clear();
        }
    }

    /**
     * Unwraps the next record into {@link #appIn}, reading from the network until a whole one has arrived; null when
     * the network stream ended first (without close_notify).
     */
    private SSLEngineResult unwrap(SSLEngine e) throws IOException {
        while (true) {
            SSLEngineResult result = unwrapBuffered(e);
            if (!waitsForPeer(e, result)) {
                return result;
            }
            if (!fill(e)) {
                return null;
            }
        }
    }

    /**
     * Whether the engine needs more bytes: underflow (unless it is netty finishing a handshake on the call after the
     * last record), or nothing done while it waits to unwrap, said as OK (a partial record) or, once our close_notify
     * is sent, as CLOSED: the peer's data and close_notify are still to come.
     */
    private static boolean waitsForPeer(SSLEngine e, SSLEngineResult result) {
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            return result.getHandshakeStatus() != HandshakeStatus.FINISHED;
        }
        return result.bytesConsumed() == 0 && result.bytesProduced() == 0
                && result.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP && !e.isInboundDone();
    }

    /** One unwrap of what {@link #netIn} holds, growing {@link #appIn} until the record fits. */
    private SSLEngineResult unwrapBuffered(SSLEngine e) throws SSLException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = e.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                receivedAfterHandshake |= session != null && result.bytesConsumed() > 0;
                return result;
            }
            appIn = grow(appIn, e.getSession().getApplicationBufferSize());
        }
    }

    /** Reads what the network has into {@link #netIn}, growing it when full; false at the stream's end. */
    private boolean fill(SSLEngine e) throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, e.getSession().getPacketBufferSize());
        }
        int n = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
        if (n < 0) {
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeastFree) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeastFree));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private void handshakeIfNeeded() throws IOException {
        if (session == null) {
            startHandshake();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        handshakeIfNeeded();
        readLock.lock();
        try {
            while (true) {
                if (appIn.position() > 0) {
                    appIn.flip();
                    int n = Math.min(len, appIn.remaining());
                    appIn.get(b, off, n);
                    appIn.compact();
                    return n;
                }
                if (inboundDone) {
                    return -1;
                }
                if (closed) {
                    throw new SocketException("Socket is closed");
                }
                SSLEngine e = engine;
                SSLEngineResult result = unwrap(e);
                if (result == null) {
                    inboundDone = true; // as JSSE: an end without close_notify ends the stream too
                    continue;
                }
                if (e.isInboundDone()) {
                    inboundDone = true; // the peer's close_notify (netty also says CLOSED once ours is sent)
                }
                answerPeer(e, result.getHandshakeStatus());
            }
        } finally {
            readLock.unlock();
        }
    }

    /** A post-handshake message (TLS 1.3 KeyUpdate, close_notify in TLS 1.2) may need an answer. */
    private void answerPeer(SSLEngine e, HandshakeStatus status) throws IOException {
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks(e);
            status = e.getHandshakeStatus();
        }
        if (status != HandshakeStatus.NEED_WRAP || outboundDone) {
            return;
        }
        writeLock.lock();
        try {
            wrap(e, EMPTY);
            flush();
        } catch (IOException answerFailed) {
            if (!inboundDone) {
                throw answerFailed;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        handshakeIfNeeded();
        writeLock.lock();
        try {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (outboundDone) {
                throw new SocketException("TLS output is shut down");
            }
            SSLEngine e = engine;
            ByteBuffer source = ByteBuffer.wrap(b, off, len);
            while (source.hasRemaining()) {
                SSLEngineResult result = wrap(e, source);
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SocketException("TLS output is closed");
                }
                if (netOut.position() >= FLUSH_AT) {
                    flush();
                }
            }
            flush();
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- closing

    /** Sends close_notify (when the handshake is done and nothing else is writing), then closes. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        SSLEngine e = engine;
        try {
            if (e != null && session != null && !outboundDone) {
                closeOutbound(e);
            }
        } finally {
            if (autoClose) {
                plain.close(); // as JSSE: a layered socket's own socket is closed only with autoClose
            }
            free(e);
        }
    }

    private void closeOutbound(SSLEngine e) {
        if (!writeLock.tryLock()) {
            return; // a writer is blocked; closing the socket below unblocks it
        }
        try {
            outboundDone = true;
            e.closeOutbound();
            wrap(e, EMPTY);
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone or stopped reading: closing the socket is all that is left
        } finally {
            writeLock.unlock();
        }
    }

    /** Frees the engine's native state (netty frees it once both directions are closed). */
    static void free(SSLEngine e) {
        if (e == null) {
            return;
        }
        e.closeOutbound();
        try {
            e.closeInbound();
        } catch (SSLException noCloseNotify) {
            // expected when the peer's close_notify has not arrived
        }
        if (e instanceof ReferenceCounted && ((ReferenceCounted) e).refCnt() > 0) {
            ((ReferenceCounted) e).release();
        }
    }

    /**
     * Sends close_notify and keeps the connection open for reading until the peer's close_notify (an FTPS upload ends
     * this way). What has already arrived is decrypted first: that includes a TLS 1.3 session ticket, which the next
     * connection needs to resume, and which BoringSSL does not keep once its close_notify is sent.
     */
    @Override
    public void shutdownOutput() throws IOException {
        handshakeIfNeeded();
        awaitTls13Ticket();
        unwrapWhatHasArrived();
        writeLock.lock();
        try {
            if (!outboundDone) {
                outboundDone = true;
                engine.closeOutbound();
                wrap(engine, EMPTY);
                flush();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * A TLS 1.3 client that has received nothing since its handshake waits briefly for the server's ticket, which is
     * due one round trip after the client's Finished: twice as long as the handshake took, at least 250 ms (a busy
     * server is late), within the socket's read timeout. A server that sends no ticket costs that wait once per such
     * connection; one that sends it arrives before it ends.
     */
    private void awaitTls13Ticket() throws IOException {
        if (!clientMode || receivedAfterHandshake || inboundDone || netIn.position() > 0
                || !"TLSv1.3".equals(session.getProtocol()) || !readLock.tryLock()) {
            return;
        }
        int readTimeout = plain.getSoTimeout();
        long wait = Math.max(250, 2 * handshakeMillis);
        try {
            plain.setSoTimeout((int) (readTimeout == 0 ? wait : Math.min(wait, readTimeout)));
            fill(engine);
        } catch (SocketTimeoutException noTicket) {
            // the server sends none, or not yet: go on without it
        } finally {
            plain.setSoTimeout(readTimeout);
            readLock.unlock();
        }
    }

    /** Unwraps every record already received, without blocking; application data stays in {@link #appIn}. */
    private void unwrapWhatHasArrived() throws IOException {
        if (!readLock.tryLock()) {
            return; // a reader is at work and will see the records itself
        }
        try {
            SSLEngine e = engine;
            while (!inboundDone && (netIn.position() > 0 || rawIn.available() > 0)) {
                if (rawIn.available() > 0) {
                    fill(e); // does not block: bytes are available
                }
                SSLEngineResult result = unwrapBuffered(e);
                if (e.isInboundDone()) {
                    inboundDone = true;
                } else if (result.bytesConsumed() == 0 && rawIn.available() == 0) {
                    return; // a partial record: the rest has not arrived
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        inboundDone = true;
    }

    @Override
    public boolean isOutputShutdown() {
        return outboundDone || plain.isOutputShutdown();
    }

    @Override
    public boolean isInputShutdown() {
        return inboundDone || plain.isInputShutdown();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------------------------------------- streams

    @Override
    public InputStream getInputStream() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        return out;
    }

    private final class AppInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return EngineSocket.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return EngineSocket.this.read(b, off, len);
        }

        @Override
        public int available() {
            if (!readLock.tryLock()) {
                return 0; // a reader is at work: nothing is sure to be there
            }
            try {
                return appIn.position();
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }

    private final class AppOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            EngineSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            EngineSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }

    // ----------------------------------------------------------------------------------------- SSLSocket settings

    @Override
    public SSLSession getSession() {
        try {
            handshakeIfNeeded();
        } catch (IOException failed) {
            // as JSSE: the session of a failed handshake is an invalid one
        }
        HandshakeSession done = session;
        if (done != null) {
            return done;
        }
        SSLEngine e = engine;
        if (e == null) {
            try {
                e = engine();
            } catch (IOException | RuntimeException cannot) {
                throw new IllegalStateException("no TLS session: " + cannot.getMessage(), cannot);
            }
        }
        return e.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        SSLEngine e = engine;
        return e == null || session != null ? null : e.getHandshakeSession();
    }

    @Override
    public String getApplicationProtocol() {
        SSLEngine e = engine;
        if (e == null) {
            return null;
        }
        String protocol = e.getApplicationProtocol();
        return protocol == null ? "" : protocol;
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        SSLEngine e = engine;
        return e == null ? null : e.getHandshakeApplicationProtocol();
    }

    @Override
    public synchronized SSLParameters getSSLParameters() {
        return copy(parameters);
    }

    @Override
    public synchronized void setSSLParameters(SSLParameters params) {
        SSLParameters p = copy(params);
        if (p.getCipherSuites() == null) {
            p.setCipherSuites(parameters.getCipherSuites());
        }
        if (p.getProtocols() == null) {
            p.setProtocols(parameters.getProtocols());
        }
        parameters = p;
        if (engine != null) {
            engine.setSSLParameters(withoutConstraints(p));
        }
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return context.engineGetSupportedSSLParameters().getCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return getSSLParameters().getCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        SSLParameters p = getSSLParameters();
        p.setCipherSuites(suites.clone());
        setSSLParameters(p);
    }

    @Override
    public String[] getSupportedProtocols() {
        return context.engineGetSupportedSSLParameters().getProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return getSSLParameters().getProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        SSLParameters p = getSSLParameters();
        p.setProtocols(protocols.clone());
        setSSLParameters(p);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (!listeners.remove(listener)) {
            throw new IllegalArgumentException("listener not registered");
        }
    }

    @Override
    public synchronized void setUseClientMode(boolean mode) {
        if (engine != null && mode != clientMode) {
            throw new IllegalArgumentException("the mode cannot change once the handshake has begun");
        }
        clientMode = mode;
    }

    @Override
    public boolean getUseClientMode() {
        return clientMode;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        SSLParameters p = getSSLParameters();
        p.setNeedClientAuth(need);
        setSSLParameters(p);
    }

    @Override
    public boolean getNeedClientAuth() {
        return getSSLParameters().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        SSLParameters p = getSSLParameters();
        p.setWantClientAuth(want);
        setSSLParameters(p);
    }

    @Override
    public boolean getWantClientAuth() {
        return getSSLParameters().getWantClientAuth();
    }

    @Override
    public synchronized void setEnableSessionCreation(boolean flag) {
        sessionCreation = flag; // reported back only: BoringSSL's engine cannot be told not to create sessions
    }

    @Override
    public synchronized boolean getEnableSessionCreation() {
        return sessionCreation;
    }

    // ------------------------------------------------------------------------------------ the plain socket's part

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint instanceof InetSocketAddress) {
            InetSocketAddress address = (InetSocketAddress) endpoint;
            peerHost = peerHost != null ? peerHost : address.getHostString();
            peerPort = peerPort >= 0 ? peerPort : address.getPort();
        }
        plain.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        plain.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return plain.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return plain.getLocalAddress();
    }

    @Override
    public int getPort() {
        return plain.getPort();
    }

    @Override
    public int getLocalPort() {
        return plain.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return plain.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return plain.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public boolean isConnected() {
        return plain.isConnected();
    }

    @Override
    public boolean isBound() {
        return plain.isBound();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        plain.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return plain.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        plain.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return plain.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data cannot be sent over TLS");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        throw new SocketException("urgent data cannot be received over TLS");
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return false;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        plain.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return plain.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        plain.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return plain.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        plain.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return plain.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        plain.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return plain.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        plain.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return plain.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        plain.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return plain.getReuseAddress();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        plain.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return plain.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return plain.supportedOptions();
    }

    @Override
    public String toString() {
        SSLEngine e = engine;
        return "EngineSocket[" + (e == null ? "before handshake" : e.getSession().getCipherSuite()) + ", " + plain
                + "]";
    }

}
