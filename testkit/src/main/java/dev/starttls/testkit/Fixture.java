package dev.starttls.testkit;

import java.util.function.Supplier;

/**
 * The lifecycle the kit's JUnit 5 extensions share: in a {@code static} field the fixture starts once per class, in
 * an instance field once per test; {@link #get()} refuses use outside a test.
 */
final class Fixture<T extends AutoCloseable> {
    private final String name;
    private final Supplier<T> starter;
    private T running;
    private boolean perClass;

    Fixture(String name, Supplier<T> starter) {
        this.name = name;
        this.starter = starter;
    }

    void beforeAll() {
        perClass = true;
        running = starter.get();
    }

    void afterAll() {
        stop();
    }

    /** Starts a fixture for this test unless one runs for the class; returns whether the running one is reused. */
    boolean beforeEach() {
        if (perClass) {
            return true;
        }
        running = starter.get();
        return false;
    }

    void afterEach() {
        if (!perClass) {
            stop();
        }
    }

    T get() {
        if (running == null) {
            throw new IllegalStateException(name + " is not running: use it inside a test");
        }
        return running;
    }

    private void stop() {
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + name, e);
            } finally {
                running = null;
            }
        }
    }
}
