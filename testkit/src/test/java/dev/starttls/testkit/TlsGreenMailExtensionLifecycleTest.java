package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension as users hit it: {@code @Nested} classes, several users, concurrently running test methods. The
 * classes below are run through the JUnit launcher by these tests (surefire skips nested classes).
 */
class TlsGreenMailExtensionLifecycleTest {
    static final List<TlsGreenMail> SEEN = new CopyOnWriteArrayList<>();
    static final List<Integer> GREENMAIL_PORTS = new CopyOnWriteArrayList<>();

    /** Runs {@code testClass} on the JUnit platform with these configuration parameters; fails with the failures. */
    private static TestExecutionSummary run(Class<?> testClass, Map<String, String> configuration) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
                .configurationParameters(configuration).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        StringWriter failures = new StringWriter();
        summary.printFailuresTo(new PrintWriter(failures), 20);
        assertEquals(0, summary.getTotalFailureCount(), failures.toString());
        return summary;
    }

    private static long frontThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("-front-")).count();
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                "port " + port + " still open");
    }

    static class OuterWithNested {
        @RegisterExtension
        static final TlsGreenMailExtension mail = new TlsGreenMailExtension();

        @Test
        void outer() {
            SEEN.add(mail.get());
            GREENMAIL_PORTS.add(mail.get().plainSmtpPort());
        }

        @Nested
        class Inner {
            @Test
            void inner(TlsGreenMail injected) {
                SEEN.add(mail.get());
                SEEN.add(injected);
            }

            @Nested
            class Deeper {
                @Test
                void deeper() {
                    SEEN.add(mail.get());
                }
            }
        }
    }

    @Test
    void nestedClassesShareTheOuterServersAndNothingOutlivesTheClass() throws Exception {
        SEEN.clear();
        long threadsBefore = frontThreads();
        TestExecutionSummary summary = run(OuterWithNested.class, Map.of());
        assertEquals(3, summary.getTestsSucceededCount());
        assertEquals(1, SEEN.stream().distinct().count(), "one server for the class and its nested classes: " + SEEN);
        TlsGreenMail servers = SEEN.get(0);
        for (int port : new int[] {servers.smtpPort(), servers.imapsPort(), servers.pop3Port(),
            GREENMAIL_PORTS.get(0)}) {
            assertRefused(port);
        }
        assertEquals(threadsBefore, frontThreads(), "front threads left running");
    }

    static class TwoUsers {
        @RegisterExtension
        static final TlsGreenMailExtension mail =
                new TlsGreenMailExtension().withUser("alice", "secret-a").withUser("bob", "secret-b");

        @Test
        void bothExist() {
            assertNotNull(mail.get().greenMail().getUserManager().getUser("alice"), "alice");
            assertNotNull(mail.get().greenMail().getUserManager().getUser("bob"), "bob");
            assertEquals("secret-a", mail.get().greenMail().getUserManager().getUser("alice").getPassword());
        }
    }

    @Test
    void everyUserAddedIsThere() {
        assertEquals(1, run(TwoUsers.class, Map.of()).getTestsSucceededCount());
    }

    /** Lets the second test start only once the first one has sent its message. */
    static class AfterTheFirstSent implements BeforeEachCallback {
        static final CountDownLatch SENT = new CountDownLatch(1);

        @Override
        public void beforeEach(ExtensionContext context) throws InterruptedException {
            if (context.getRequiredTestMethod().getName().equals("second")) {
                SENT.await(10, TimeUnit.SECONDS);
            }
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ExtendWith(AfterTheFirstSent.class)
    static class ConcurrentMethods {
        @RegisterExtension
        static final TlsGreenMailExtension mail = new TlsGreenMailExtension().withUser("alice", "secret");
        static final CountDownLatch SECOND_STARTED = new CountDownLatch(1);

        private static void send(String subject) {
            GreenMailUtil.sendTextEmail("alice@localhost", "bob@localhost", subject, "body",
                    new ServerSetup(mail.get().plainSmtpPort(), "127.0.0.1", "smtp"));
        }

        @Test
        void first() throws Exception {
            send("first");
            AfterTheFirstSent.SENT.countDown();
            SECOND_STARTED.await(10, TimeUnit.SECONDS);
            mail.awaitMessage().subject("first").within(Duration.ofSeconds(5));
        }

        @Test
        void second() {
            SECOND_STARTED.countDown();
            send("second");
            mail.awaitMessage().subject("second").within(Duration.ofSeconds(5));
        }
    }

    @Test
    void concurrentMethodsOnAStaticFieldKeepEachOthersMail() {
        TestExecutionSummary summary = run(ConcurrentMethods.class, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"));
        assertEquals(2, summary.getTestsSucceededCount());
    }

    @Test
    void theWaitingAssertionListsWhatArrived() throws IOException {
        try (TlsGreenMail mail = TlsGreenMail.start()) {
            mail.greenMail().setUser("alice@localhost", "alice", "pw");
            GreenMailUtil.sendTextEmail("alice@localhost", "bob@localhost", "hello there", "body",
                    new ServerSetup(mail.plainSmtpPort(), "127.0.0.1", "smtp"));
            mail.awaitMessage().to("alice@localhost").subject("hello there").within(Duration.ofSeconds(5));
            AssertionError e = assertThrows(AssertionError.class,
                    () -> mail.awaitMessage().to("alice@localhost").subject("hi").within(Duration.ofMillis(200)));
            assertEquals("no message to alice@localhost, subject 'hi' within 200 ms; 1 arrived:\n"
                    + "  from [bob@localhost] to [alice@localhost] subject 'hello there'", e.getMessage());
        }
    }
}
