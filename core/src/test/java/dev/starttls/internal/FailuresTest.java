package dev.starttls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starttls.TlsUpgradeException;
import dev.starttls.TlsUpgradeException.Failure;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The one place where the JDK's exceptions become failure kinds a caller can act on. */
class FailuresTest {
    private static <T extends Throwable> T causedBy(T e, Throwable cause) {
        e.initCause(cause);
        return e;
    }

    @Test
    void eachJdkFailureMapsToTheKindACallerActsOn() {
        assertEquals(Failure.TIMEOUT, Failures.kindOf(new SocketTimeoutException("Read timed out")));
        assertEquals(Failure.CONNECT, Failures.kindOf(new ConnectException("Connection refused")));
        assertEquals(Failure.CONNECT, Failures.kindOf(new UnknownHostException("no.such.example")));
        assertEquals(Failure.CONNECT, Failures.kindOf(new NoRouteToHostException("unreachable")));
        assertEquals(Failure.HANDSHAKE, Failures.kindOf(new SSLHandshakeException("no cipher suites in common")));
        assertEquals(Failure.CLOSED, Failures.kindOf(new SocketException("Connection reset")));
        assertEquals(Failure.CLOSED, Failures.kindOf(new EOFException()));
    }

    @Test
    void aCertificateProblemAnywhereInTheCausesIsCertificate() {
        SSLHandshakeException e = causedBy(new SSLHandshakeException("PKIX path validation failed"),
                causedBy(new SSLException("wrapped"), new CertificateExpiredException("expired")));
        assertEquals(Failure.CERTIFICATE, Failures.kindOf(e));
    }

    @Test
    void aPeerThatClosesMidHandshakeIsClosedNotAHandshakeFailure() {
        assertEquals(Failure.CLOSED, Failures.kindOf(
                causedBy(new SSLHandshakeException("Remote host terminated the handshake"), new EOFException())));
        assertEquals(Failure.CLOSED, Failures.kindOf(
                causedBy(new SSLException("Connection reset"), new SocketException("Connection reset"))));
    }

    @Test
    void wrapsWithTheStepAndTheDetailAndKeepsTheCause() {
        SocketTimeoutException cause = new SocketTimeoutException("Read timed out");
        TlsUpgradeException e = Failures.of(cause, "during the TLS handshake with mx.example:587");
        assertEquals(Failure.TIMEOUT, e.failure());
        assertEquals("during the TLS handshake with mx.example:587: Read timed out", e.getMessage());
        assertSame(cause, e.getCause());
        assertEquals("reading the greeting: EOFException", Failures.of(new EOFException(), "reading the greeting")
                .getMessage(), "an exception without a message is named by its class");
    }

    @Test
    void aTlsUpgradeExceptionIsReturnedUnchanged() {
        TlsUpgradeException original = new TlsUpgradeException(Failure.INJECTION, "injected");
        assertSame(original, Failures.of(original, "anything"));
    }

    @Test
    void hasCauseLooksAtTheWholeChainAndOnlyThere() {
        IOException chain = causedBy(new IOException("a"), causedBy(new IOException("b"), new EOFException()));
        assertTrue(Failures.hasCause(chain, EOFException.class));
        assertTrue(Failures.hasCause(chain, IOException.class));
        assertFalse(Failures.hasCause(chain, SocketException.class));
        assertFalse(Failures.hasCause(null, IOException.class));
    }

    @Test
    void closeQuietlyClosesEveryArgumentEvenWhenOneFailsOrIsNull() {
        List<String> closed = new ArrayList<>();
        Closeable failing = () -> {
            closed.add("failing");
            throw new IOException("boom");
        };
        Closeable throwingRuntime = () -> {
            closed.add("runtime");
            throw new IllegalStateException("boom");
        };
        Closeable fine = () -> closed.add("fine");
        Failures.closeQuietly(failing, null, throwingRuntime, fine);
        assertEquals(List.of("failing", "runtime", "fine"), closed);
    }
}
