package com.messengerbridge.webhook;

import com.messengerbridge.observe.RateLimitedLine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the webhook requests the bridge answers at once. A request takes a place once its body is
 * read, and gives it back when its reply is written. Past the bound, a request is answered 503 with
 * {@code Retry-After} on the HTTP event loop, instead of waiting until Meta's 5 seconds are gone;
 * Meta sends it again.
 */
public final class InFlightLimit implements MeterBinder {

    public static final String REPLY = "too many requests in flight, retry later";
    private static final Logger LOG = LoggerFactory.getLogger(InFlightLimit.class);

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    /** One line a minute at most: under overload, a line per refusal would be a second flood. */
    private final RateLimitedLine overloaded = new RateLimitedLine(LOG, true, "overloaded: {} requests refused with"
            + " 503 and Retry-After since the last line, WEBHOOK_MAX_IN_FLIGHT being reached; the last from {}");

    public InFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("WEBHOOK_MAX_IN_FLIGHT must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place for a request from this address, or refuses when every place is taken. */
    public boolean tryEnter(String from) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            refused.increment();
            overloaded.record(from);
            return false;
        }
        return true;
    }

    public void leave() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long refused() {
        return refused.sum();
    }

    public int limit() {
        return limit;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("bridge.webhook.in.flight", this, InFlightLimit::inFlight)
                .description("Webhook requests being answered now").register(registry);
        Gauge.builder("bridge.webhook.in.flight.limit", this, InFlightLimit::limit)
                .description("WEBHOOK_MAX_IN_FLIGHT").register(registry);
        FunctionCounter.builder("bridge.webhook.overloaded", this, InFlightLimit::refused)
                .description("Requests answered 503 because the in-flight limit was reached").register(registry);
    }
}
