/**
 * The core of starttls-java: {@link dev.starttls.TlsPolicy} (trust, protocols, timeouts, mode),
 * {@link dev.starttls.Upgrader} (the switch from plaintext to TLS, client and server side),
 * {@link dev.starttls.Handshake} (what was negotiated), {@link dev.starttls.TlsUpgradeException} (every failure, with
 * its kind) and {@link dev.starttls.LineReader} (the bounded line reading every protocol shares). No dependency beyond
 * the JDK. Protocol entry points live in {@code dev.starttls.smtp} and its siblings.
 */
package dev.starttls;
