/**
 * TLS for POP3: start from {@code dev.starttls.pop3.Pop3Tls}, which upgrades
 * a connection in place or connects with implicit TLS and returns a session that continues the dialogue inside TLS.
 */
package dev.starttls.pop3;
