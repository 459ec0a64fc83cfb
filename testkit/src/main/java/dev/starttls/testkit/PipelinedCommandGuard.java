package dev.starttls.testkit;

import java.lang.System.Logger.Level;
import org.apache.ftpserver.command.Command;
import org.apache.ftpserver.command.impl.AUTH;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.filterchain.IoFilterChain;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.ssl.SslFilter;

/**
 * Keeps Apache FtpServer from executing, or answering, commands a client pipelined in plaintext after {@code AUTH TLS}
 * (the CVE-2011-0411 class). FtpServer decodes the whole segment {@code AUTH TLS\r\nUSER ..\r\nPASS ..\r\nDELE ..} and
 * runs the commands after {@code AUTH} as if they had come inside TLS: its TLS filter is in place, so the session
 * counts as secure (found by {@code PipelinedAfterUpgradeTest}: the pipelined {@code USER} was answered inside TLS and
 * the {@code DELE} ran). This {@code AUTH} marks the session and puts two filters around FtpServer's decoder: behind
 * it, every command decoded while the mark is set is dropped; in front of it, the next input (which, with the TLS
 * filter first in the chain, can only be decrypted TLS data) clears the mark. Postfix has done the same since 2.8.
 */
final class PipelinedCommandGuard extends IoFilterAdapter {
    private static final System.Logger LOG = System.getLogger(PipelinedCommandGuard.class.getName());
    /** FtpServer's name for its line decoder in every session's chain (NioListener). */
    private static final String DECODER = "codec";
    private static final String GUARD = "discardPipelinedAfterAuthTls";
    private static final String NEXT_INPUT = "inputAfterAuthTls";
    private static final String PIPELINED = PipelinedCommandGuard.class.getName() + ".pipelined";

    /** FtpServer's {@code AUTH}, which first marks what is left of its segment as pipelined. */
    static Command auth() {
        Command auth = new AUTH();
        return (session, context, request) -> {
            IoFilterChain chain = session.getFilterChain();
            if (!chain.contains(GUARD)) {
                chain.addAfter(DECODER, GUARD, new PipelinedCommandGuard());
                chain.addBefore(DECODER, NEXT_INPUT, new IoFilterAdapter() {
                    @Override
                    public void messageReceived(NextFilter next, IoSession s, Object message) throws Exception {
                        s.removeAttribute(PIPELINED);
                        next.messageReceived(s, message);
                    }
                });
            }
            // FtpServer decodes and dispatches one segment's lines on one ordered thread per session, so the lines
            // after AUTH reach the guard before any later input reaches the decoder
            session.setAttribute(PIPELINED, Boolean.TRUE);
            auth.execute(session, context, request);
        };
    }

    @Override
    public void messageReceived(NextFilter next, IoSession session, Object message) throws Exception {
        // only when AUTH switched: after a refused AUTH the connection goes on in plaintext, and so may the client
        if (session.containsAttribute(PIPELINED) && session.getFilterChain().contains(SslFilter.class)) {
            // the verb only: a pipelined PASS carries a password
            LOG.log(Level.WARNING, "discarded a {0} command that {1} pipelined after AUTH TLS",
                    String.valueOf(message).split(" ", 2)[0], session.getRemoteAddress());
            return;
        }
        next.messageReceived(session, message);
    }
}
