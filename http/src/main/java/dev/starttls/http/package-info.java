/**
 * TLS for HTTP and HTTP CONNECT tunnels: {@link dev.starttls.http.HttpTls} is the entry point,
 * {@link dev.starttls.http.HttpProxy} names a proxy and its credentials, {@link dev.starttls.http.HttpSession} sends
 * requests over the TLS connection and returns {@link dev.starttls.http.HttpReply} values.
 */
package dev.starttls.http;
