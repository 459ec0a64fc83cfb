package dev.starttls.testkit;

import dev.starttls.internal.QuickAck;
import dev.starttls.Handshake;
import dev.starttls.LineReader;
import dev.starttls.TlsPolicy;
import dev.starttls.TlsUpgradeException;
import dev.starttls.Upgrader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;

/**
 * A TLS front for a plaintext server (GreenMail, or any other): it accepts on a free loopback port, terminates TLS with
 * the core server-side upgrade, and relays the decrypted stream to the backend. In implicit mode TLS starts at once;
 * in STARTTLS mode the front speaks the plaintext part of the protocol itself, adds the upgrade to the capabilities,
 * and after the switch relays everything. Pipelined plaintext after the upgrade command is discarded, never executed.
 *
 * <pre>{@code
 * HeldCertificate cert = ca.issue("localhost", "127.0.0.1");
 * try (TlsFront front = TlsFront.smtpStartTls(backendAddress, cert.serverPolicy())) {
 *     SmtpSession smtp = SmtpTls.connect("localhost", front.port(), ca.trustingPolicy());
 *     assertEquals(1, front.handshakes().size());           // proof that TLS was used
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops the front and closes every connection it holds.
 *
 * @since 0.1
 */
public final class TlsFront implements Closeable {
    private static final System.Logger LOG = System.getLogger(TlsFront.class.getName());

    /** The plaintext dialogue of a STARTTLS front, up to and including the server side of the switch. */
    interface Dialogue {
        /**
         * Talks to the client and the backend until the client asks for TLS; returns the client's TLS socket, or
         * {@code null} if the client left before.
         */
        SSLSocket negotiate(LineReader client, LineReader backend, Upgrader upgrader) throws IOException;
    }

    private final InetSocketAddress backend;
    private final Upgrader upgrader;
    private final Dialogue dialogue;
    private final Acceptor acceptor;
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();

    private TlsFront(String name, InetSocketAddress backend, TlsPolicy serverPolicy, Dialogue dialogue) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.upgrader = Upgrader.of(serverPolicy);
        this.dialogue = dialogue;
        try {
            this.acceptor = new Acceptor(name, this::handle);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
    }

    /** A front that starts TLS at once (SMTPS 465, IMAPS 993, POP3S 995 style) in front of {@code backend}. */
    public static TlsFront implicitTls(InetSocketAddress backend, TlsPolicy serverPolicy) {
        return new TlsFront("tls-front", backend, serverPolicy, null);
    }

    /**
     * An SMTP STARTTLS front in front of a plaintext SMTP {@code backend}: it adds {@code STARTTLS} to the EHLO reply
     * and, before TLS, refuses AUTH, MAIL, RCPT and DATA with {@code 530} (TLS required, as a hardened server does).
     */
    public static TlsFront smtpStartTls(InetSocketAddress backend, TlsPolicy serverPolicy) {
        return new TlsFront("smtp-front", backend, serverPolicy, new SmtpFrontDialogue());
    }

    /**
     * A POP3 STLS front in front of a plaintext POP3 {@code backend}: it adds {@code STLS} to the CAPA reply and, before
     * TLS, refuses USER, PASS, APOP and AUTH (RFC 2595 4).
     */
    public static TlsFront pop3StartTls(InetSocketAddress backend, TlsPolicy serverPolicy) {
        return new TlsFront("pop3-front", backend, serverPolicy, new Pop3FrontDialogue());
    }

    /**
     * An IMAP STARTTLS front in front of a plaintext IMAP {@code backend}: it adds {@code STARTTLS} and
     * {@code LOGINDISABLED} to the capabilities and, before TLS, refuses LOGIN and AUTHENTICATE.
     */
    public static TlsFront imapStartTls(InetSocketAddress backend, TlsPolicy serverPolicy) {
        return new TlsFront("imap-front", backend, serverPolicy, new ImapFrontDialogue());
    }

    /** The loopback port the front listens on. */
    public int port() {
        return acceptor.port();
    }

    /** Every handshake the front completed, in order: proof that clients used TLS. */
    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    private void handle(Socket client) {
        Socket backendSocket = null;
        try {
            backendSocket = acceptor.track(new Socket());
            backendSocket.setTcpNoDelay(true);
            backendSocket.connect(backend, 5_000);
            QuickAck.rearm(backendSocket);
            SSLSocket tls;
            if (dialogue == null) {
                tls = upgrader.acceptImplicit(client);
            } else {
                LineReader clientReader = LineReader.of(client, upgrader.policy());
                tls = dialogue.negotiate(clientReader, LineReader.of(backendSocket, upgrader.policy()), upgrader);
                if (tls == null) {
                    return;
                }
            }
            acceptor.track(tls);
            handshakes.add(Handshake.of(tls));
            tls.setSoTimeout(0);
            backendSocket.setSoTimeout(0);
            Relay.run(acceptor.executor(), tls, backendSocket, null);
            acceptor.untrack(tls);
        } catch (TlsUpgradeException e) {
            LOG.log(Level.DEBUG, "front connection from {0} failed: {1}", client.getRemoteSocketAddress(), e);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "front connection from {0} ended: {1}", client.getRemoteSocketAddress(), e);
        } finally {
            if (backendSocket != null) {
                acceptor.untrack(backendSocket);
            }
        }
    }

    @Override
    public void close() {
        acceptor.close();
    }

    @Override
    public String toString() {
        return "TlsFront{127.0.0.1:" + port() + " -> " + backend + (dialogue == null ? ", implicit" : ", STARTTLS")
                + '}';
    }
}
