package com.messengerbridge.observe;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * An audit line for something that may happen many times a second: the first occurrence is logged
 * at once, the next ones at most once a minute, with how many there were since and where the last
 * came from. A line per occurrence would let anyone flood the log.
 */
public final class RateLimitedLine {

    private static final long INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final boolean warn;
    private final String message;
    private final AtomicLong since = new AtomicLong();
    private final AtomicLong nextLine = new AtomicLong(System.nanoTime());

    /** {@code message}: with two placeholders, the count and the address of the last occurrence. */
    public RateLimitedLine(Logger log, boolean warn, String message) {
        this.log = log;
        this.warn = warn;
        this.message = message;
    }

    public void record(String from) {
        since.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLine.get();
        if (now - due >= 0 && nextLine.compareAndSet(due, now + INTERVAL_NANOS)) {
            long count = since.getAndSet(0);
            if (warn) {
                log.warn(message, count, from);
            } else {
                log.info(message, count, from);
            }
        }
    }
}
