/**
 * The test kit: throwaway certificate authorities and certificates ({@link dev.starttls.testkit.CertificateAuthority}),
 * TLS fronts that add STARTTLS and implicit TLS to plaintext servers ({@link dev.starttls.testkit.TlsFront}), GreenMail
 * with TLS on every port ({@link dev.starttls.testkit.TlsGreenMail}) and a wire recorder that proves what crossed the
 * network in clear ({@link dev.starttls.testkit.WireRecorder}).
 */
package dev.starttls.testkit;
