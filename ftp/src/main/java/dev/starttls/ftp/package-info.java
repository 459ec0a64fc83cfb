/**
 * FTP with TLS: {@code AUTH TLS} (RFC 4217) and implicit FTPS (port 990), with protected data connections that are
 * verified against the control connection's host and resume its TLS session. Start with {@link dev.starttls.ftp.FtpTls}.
 */
package dev.starttls.ftp;
