package com.messengerbridge.observe;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * An audit line for something that may happen many times a second: the first occurrence is logged
 * at once, the next ones at most once a minute, with how many there were since and where the last
 * came from. A line per occurrence would let anyone flood the log. Occurrences held back are
 * written when their minute ends, even if nothing follows them: a burst is never logged as its
 * first occurrence alone.
 */
public final class RateLimitedLine {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Writes the lines held back, for every rate-limited line of the process; never keeps it alive. */
    private static final ScheduledExecutorService HELD_BACK_WRITER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread writer = new Thread(task, "rate-limited-lines");
        writer.setDaemon(true);
        return writer;
    });

    private final Logger log;
    private final boolean warn;
    private final String message;
    private final long intervalNanos;
    private final AtomicLong since = new AtomicLong();
    private final AtomicLong nextLine = new AtomicLong(System.nanoTime());
    private final AtomicBoolean heldBackLineDue = new AtomicBoolean();
    private volatile String lastFrom;

    /** {@code message}: with two placeholders, the count and the address of the last occurrence. */
    public RateLimitedLine(Logger log, boolean warn, String message) {
        this(log, warn, message, INTERVAL_NANOS);
    }

    RateLimitedLine(Logger log, boolean warn, String message, long intervalNanos) {
        this.log = log;
        this.warn = warn;
        this.message = message;
        this.intervalNanos = intervalNanos;
    }

    public void record(String from) {
        lastFrom = from;
        since.incrementAndGet();
        if (!writeIfDue()) {
            writeWhenDue();
        }
    }

    /** Writes the count since the last line if a line is allowed now; false if it must wait. */
    private boolean writeIfDue() {
        long now = System.nanoTime();
        long due = nextLine.get();
        if (now - due < 0 || !nextLine.compareAndSet(due, now + intervalNanos)) {
            return false;
        }
        long count = since.getAndSet(0);
        if (count > 0) {
            if (warn) {
                log.warn(message, count, lastFrom);
            } else {
                log.info(message, count, lastFrom);
            }
        }
        return true;
    }

    private void writeWhenDue() {
        if (heldBackLineDue.compareAndSet(false, true)) {
            long wait = Math.max(0, nextLine.get() - System.nanoTime());
            HELD_BACK_WRITER.schedule(() -> {
                heldBackLineDue.set(false);
                if (since.get() > 0 && !writeIfDue()) {
                    writeWhenDue();
                }
            }, wait, TimeUnit.NANOSECONDS);
        }
    }
}
