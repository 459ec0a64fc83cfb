package dev.starttls.bench;

import dev.starttls.smtp.SmtpTls;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One full SMTP STARTTLS probe (connect, EHLO, STARTTLS, handshake, EHLO, QUIT) per operation, against the
 * {@link MiniSmtpServer} in another JVM, so {@code -prof gc}'s allocation per operation is the client's alone: the
 * library against the bare JSSE floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class UpgradeBenchmark {
    private ChildServer server;
    private Floor floor;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = new ChildServer();
        floor = new Floor(server.bareContext, List.of("TLSv1.3", "TLSv1.2"), false);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        server.close();
    }

    @Benchmark
    public void library() throws Exception {
        SmtpTls.connect("localhost", server.startTlsPort, server.clientPolicy).close();
    }

    @Benchmark
    public void floor() throws Exception {
        floor.startTls(Floor.Protocol.SMTP, "localhost", server.startTlsPort).close();
    }
}
