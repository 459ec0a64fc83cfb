package dev.starttls.testkit;

import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * The lifecycle the kit's JUnit 5 extensions share. The running fixture lives in JUnit's {@link ExtensionContext.Store}
 * of the context that started it and is closed when that context ends: registered in a {@code static} field (or an
 * instance field of a {@code PER_CLASS} class) it starts once for the declaring class and serves its {@code @Nested}
 * classes, which find it in their parent's store; in an instance field it starts once per test. {@link #get()}
 * refuses use outside a test. Thread-safe.
 */
final class Fixture<T extends AutoCloseable> {
    private static final String KEY = "running";

    private final String name;
    private final Supplier<T> starter;
    private volatile T running;

    Fixture(String name, Supplier<T> starter) {
        this.name = name;
        this.starter = starter;
    }

    void beforeAll(ExtensionContext context) {
        started(context);
    }

    /**
     * Starts a fixture for this test unless an enclosing class already runs one; returns whether the running one is
     * shared with earlier tests (started by an enclosing context).
     */
    boolean beforeEach(ExtensionContext context) {
        Optional<ExtensionContext> parent = context.getParent();
        boolean shared = parent.isPresent() && parent.get().getStore(namespace()).get(KEY) != null;
        started(context);
        return shared;
    }

    /** The running fixture of this context or the nearest enclosing one that has one, else a new one kept here. */
    T started(ExtensionContext context) {
        return ((Running) context.getStore(namespace()).getOrComputeIfAbsent(KEY, k -> new Running())).value;
    }

    T get() {
        T now = running;
        if (now == null) {
            throw new IllegalStateException(name + " is not running: use it inside a test");
        }
        return now;
    }

    private Namespace namespace() {
        return Namespace.create(Fixture.class, this);
    }

    /** A started fixture in a JUnit store; JUnit closes it when the context that started it ends. */
    @SuppressWarnings("deprecation") // CloseableResource: JUnit 5.11 and 5.12 close nothing else
    private final class Running implements ExtensionContext.Store.CloseableResource {
        private final T value = starter.get();

        Running() {
            running = value;
        }

        @Override
        public void close() throws Exception {
            if (running == value) {
                running = null;
            }
            value.close();
        }
    }
}
