package dev.starttls.ftp;

import dev.starttls.Endpoint;
import dev.starttls.TlsConnection;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import dev.starttls.Upgrader;
import dev.starttls.internal.DelegatingSocket;
import dev.starttls.internal.Failures;
import dev.starttls.spi.NumericReply;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.util.List;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * Commons Net's {@link FTPSClient} with this library's rules, through its protected hooks only (no reflection): the
 * control connection's TLS layer comes from {@link Upgrader} (the policy's trust, protocols and deadline, host name
 * verification, SNI, injection check), and passive data connections are made here: to the control connection's peer,
 * upgraded with an {@link Endpoint} that resumes the control session (NET-408).
 */
final class CommonsNetFtps extends FTPSClient {
    /**
     * The adapter as a plain {@link FTPSClient}: callers' bytecode then names only {@code FTPSClient}, so
     * {@code FtpTls} links without Commons Net on the class path.
     */
    static FTPSClient create(TlsPolicy policy, boolean implicit) {
        return new CommonsNetFtps(policy, implicit);
    }

    private final TlsPolicy policy;
    private Endpoint control;
    private boolean protectedData;

    CommonsNetFtps(TlsPolicy policy, boolean implicit) {
        super(implicit, policy.sslContext());
        this.policy = policy;
        setConnectTimeout((int) policy.connectTimeout().toMillis());
        setDefaultTimeout((int) policy.readTimeout().toMillis());
        setEndpointCheckingEnabled(true); // the Upgrader checks anyway; this keeps getters truthful
    }

    /** The control connection's TLS layer: the policy's, verified against the host name given to connect(). */
    @Override
    protected void sslNegotiation() throws IOException {
        if (_hostname_ == null) {
            Failures.closeQuietly(_socket_);
            throw new IllegalArgumentException("connect with a host name (connect(String, int)): it is the name the "
                    + "server's certificate is checked against");
        }
        if (_controlInput_ != null && _controlInput_.ready()) {
            Failures.closeQuietly(_socket_);
            throw new TlsUpgradeException(Failure.INJECTION, "plaintext arrived from " + _hostname_ + ":"
                    + getRemotePort() + " after the 234 go-ahead and before the TLS handshake: possible command "
                    + "injection, refusing to upgrade");
        }
        control = Endpoint.of(_hostname_, getRemotePort());
        TlsConnection tls = Upgrader.of(policy).upgrade(_socket_, control);
        _socket_ = tls.socket();
        _controlInput_ = new BufferedReader(new InputStreamReader(_socket_.getInputStream(), getControlEncoding()));
        _controlOutput_ = new BufferedWriter(new OutputStreamWriter(_socket_.getOutputStream(), getControlEncoding()));
    }

    /** RFC 4217 8, 9: PBSZ 0 and PROT P right after the handshake, before any credentials or data. */
    @Override
    protected void _connectAction_() throws IOException {
        super._connectAction_();
        execPBSZ(0);
        execPROT("P");
    }

    @Override
    public void execPROT(String prot) throws IOException {
        super.execPROT(prot);
        protectedData = "P".equals(prot);
    }

    /**
     * Passive data connections made here: EPSV (PASV if refused), to the control connection's peer whatever the
     * reply's address, the command, its 1xx, then the TLS handshake that resumes the control session.
     */
    @Override
    protected Socket _openDataConnection_(String command, String arg) throws IOException {
        if (getDataConnectionMode() != PASSIVE_LOCAL_DATA_CONNECTION_MODE || control == null) {
            return super._openDataConnection_(command, arg); // active mode: Commons Net's own, no resumption
        }
        int port = passivePort();
        Socket socket = Upgrader.of(policy).connectPlain(getRemoteAddress().getHostAddress(), port);
        try {
            if (getRestartOffset() > 0 && !restart(getRestartOffset())) {
                socket.close();
                return null;
            }
            if (!FTPReply.isPositivePreliminary(sendCommand(command, arg))) {
                socket.close();
                return null;
            }
        } catch (IOException e) {
            Failures.closeQuietly(socket);
            throw e;
        }
        Socket data = socket;
        if (protectedData) {
            EofWatchingSocket watch = new EofWatchingSocket(socket);
            Endpoint endpoint = FtpSession.dataEndpoint(control, port);
            data = new TlsDataSocket(Upgrader.of(policy).upgrade(watch, endpoint).socket(), watch, endpoint);
        }
        data.setSoTimeout(dataTimeoutMillis()); // after the handshake, which leaves the policy's read timeout set
        return data;
    }

    /** Commons Net's data timeout if the caller set one (0 means "forever" there, never here), else the policy's. */
    private int dataTimeoutMillis() {
        long millis = getDataTimeout().toMillis();
        return (int) (millis > 0 ? millis : policy.readTimeout().toMillis());
    }

    private int passivePort() throws IOException {
        String peer = control.toString();
        if (epsv() == 229) {
            return PassiveReplies.epsvPort(reply(), peer);
        }
        if (pasv() != 227) {
            throw new TlsUpgradeException(Failure.REJECTED, peer + " refused EPSV and PASV: " + getReplyString());
        }
        return PassiveReplies.pasvPort(reply(), peer);
    }

    private NumericReply reply() {
        return new NumericReply(getReplyCode(), List.of(getReplyString().trim().substring(4)));
    }

    /**
     * A TLS data connection as Commons Net needs it. A download that ends without TLS close_notify fails as truncated
     * (RFC 4217 12.6): JSSE takes a bare TCP close for the end, and an attacker who cuts the stream must not shorten a
     * file that the server's 226 then confirms. Closed after an upload, it ends the TLS way and reads the server's
     * close_notify ({@link DataConnection#endUpload}): Commons Net just closes the socket, which loses the server's TLS
     * 1.3 ticket for the next data connection, so that one could not resume the session and a server requiring reuse
     * refused it.
     */
    private static final class TlsDataSocket extends DelegatingSocket {
        private final EofWatchingSocket watch;
        private final Endpoint endpoint;
        private boolean uploading;
        private boolean closed;

        TlsDataSocket(Socket tls, EofWatchingSocket watch, Endpoint endpoint) {
            super(tls);
            this.watch = watch;
            this.endpoint = endpoint;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(delegate.getInputStream()) {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n < 0 && watch.tcpEnded()) {
                        throw new TlsUpgradeException(Failure.CLOSED, "the data connection from " + endpoint
                                + " ended without TLS close_notify: the data received may be truncated");
                    }
                    return n;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            uploading = true;
            return new FilterOutputStream(delegate.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    TlsDataSocket.this.close(); // as JSSE's: closing the stream closes the connection
                }
            };
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (uploading) {
                    DataConnection.endUpload(delegate);
                }
            } finally {
                delegate.close();
            }
        }
    }
}
