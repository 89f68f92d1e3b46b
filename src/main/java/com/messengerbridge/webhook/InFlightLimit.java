package com.messengerbridge.webhook;

import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.RateLimitedLine;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the webhook requests the bridge holds at once. Past the bound, a request is answered 503
 * with {@code Retry-After} on the HTTP event loop, before its body is read, instead of waiting for
 * a worker thread until Meta's 5 seconds are gone; Meta sends it again. The bound also caps the
 * heap the bodies take: at most this many times the largest body accepted. Being the first handler
 * of every webhook request, it also times each reply, refusals by the HTTP server included.
 */
public final class InFlightLimit implements Handler<RoutingContext> {

    public static final String REPLY = "too many requests in flight, retry later";
    private static final Logger LOG = LoggerFactory.getLogger(InFlightLimit.class);

    private final int limit;
    private final BridgeMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    /** One line a minute at most: under overload, a line per refusal would be a second flood. */
    private final RateLimitedLine overloaded = new RateLimitedLine(LOG, true, "overloaded: {} requests refused with"
            + " 503 and Retry-After since the last line, WEBHOOK_MAX_IN_FLIGHT being reached; the last from {}");

    public InFlightLimit(int limit, BridgeMetrics metrics) {
        if (limit < 1) {
            throw new IllegalArgumentException("WEBHOOK_MAX_IN_FLIGHT must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext context) {
        long start = System.nanoTime();
        if (!tryEnter()) {
            overloaded.record(context.request().remoteAddress().host());
            context.response().setStatusCode(503).putHeader("Retry-After", "1")
                    .putHeader("Content-Type", "text/plain").end(REPLY);
            metrics.replied(503, System.nanoTime() - start);
            return;
        }
        // runs once the reply is written or the connection is gone, whichever comes first
        context.addEndHandler(done -> {
            leave();
            metrics.replied(context.response().getStatusCode(), System.nanoTime() - start);
        });
        context.next();
    }

    /** Takes a place, or refuses when every place is taken. */
    boolean tryEnter() {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            refused.increment();
            return false;
        }
        return true;
    }

    void leave() {
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
}
