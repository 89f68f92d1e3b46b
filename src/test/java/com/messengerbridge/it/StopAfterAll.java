package com.messengerbridge.it;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a process test class started (bridges, brokers, sinks, browsers, clients), stopped once
 * its tests are done, newest first, however they ended. Register it as a field with
 * {@code @RegisterExtension} in a {@code PER_CLASS} test.
 */
final class StopAfterAll implements AfterAllCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Stops {@code part} after the class; returns it, so a start reads as one line. */
    <T extends AutoCloseable> T add(T part) {
        started.push(part);
        return part;
    }

    /** Stops whatever {@code current} holds after the class, if anything: for a part a test may replace. */
    void addLatest(Supplier<? extends AutoCloseable> current) {
        started.push(() -> {
            AutoCloseable part = current.get();
            if (part != null) {
                part.close();
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
