package dev.starttls.bench;

import dev.starttls.TlsPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@link MiniSmtpServer} in a separate JVM on this class path; stopped by closing its stdin. */
final class ChildServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final int startTlsPort;
    final int implicitPort;
    final TlsPolicy clientPolicy;
    final javax.net.ssl.SSLContext bareContext;

    ChildServer() throws IOException {
        dir = Files.createTempDirectory("bench-smtp");
        Path ca = dir.resolve("ca.pem");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                MiniSmtpServer.class.getName(), ca.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("PORTS ")) {
            process.destroyForcibly();
            throw new IOException("the child SMTP server did not start: " + line);
        }
        String[] ports = line.split(" ");
        startTlsPort = Integer.parseInt(ports[1]);
        implicitPort = Integer.parseInt(ports[2]);
        clientPolicy = TlsPolicy.builder().trustPem(ca).build();
        bareContext = Target.bareContext(Pem.certificates(ca));
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Files.deleteIfExists(dir.resolve("ca.pem"));
        Files.deleteIfExists(dir);
    }
}
