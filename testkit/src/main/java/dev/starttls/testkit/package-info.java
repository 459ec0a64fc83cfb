/**
 * The test kit: throwaway certificate authorities and certificates ({@link dev.starttls.testkit.CertificateAuthority}),
 * TLS fronts that add STARTTLS and implicit TLS to plaintext servers ({@link dev.starttls.testkit.TlsFront}), GreenMail
 * with TLS on every port ({@link dev.starttls.testkit.TlsGreenMail}), a wire recorder that proves what crossed the
 * network in clear ({@link dev.starttls.testkit.WireRecorder}), and for HTTP an embedded Jetty HTTPS server and CONNECT
 * proxy ({@link dev.starttls.testkit.TlsJetty}), a proxy that misbehaves on demand
 * ({@link dev.starttls.testkit.ScriptedProxy}) and an RFC 2817 upgrade server ({@link dev.starttls.testkit.Rfc2817Server}).
 */
package dev.starttls.testkit;
