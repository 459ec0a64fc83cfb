/**
 * TLS for SMTP: start from {@code dev.starttls.smtp.SmtpTls}, which upgrades
 * a connection in place or connects with implicit TLS and returns a session that continues the dialogue inside TLS.
 */
package dev.starttls.smtp;
