package com.messengerbridge.observe;

import com.messengerbridge.EventProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The bridge's own meters, served with Camel's at {@code /observe/metrics} on the management port.
 * Labels are fixed vocabularies (object, field, outcome, reason, status, sink type, secret
 * position): never an id, a payload or a secret.
 */
public final class BridgeMetrics {

    /** Outcomes of an event: stored on its queue, dropped by the broker as a retry, or dropped by the routing table. */
    public static final String STORED = "stored";
    public static final String DUPLICATE = "duplicate";
    public static final String DROPPED = "dropped";
    public static final String NOT_STORED = "not_stored";
    /** Refusals for the signature, also counted by their own reason (missing, malformed, mismatch). */
    private static final String SIGNATURE_REASON = "signature_";

    private final MeterRegistry registry;

    /** Timed on every transaction of the store: built once, not looked up each time. */
    private final Timer storeCommits;
    /**
     * Meters counted on the request path, by name and labels: building a meter's id (its tags
     * sorted and copied) on every request cost more than the count itself.
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Integer, Timer> replies = new ConcurrentHashMap<>();

    public BridgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.storeCommits = Timer.builder("bridge.store.commit")
                .description("Time to send and commit one transaction of events")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
                        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Events of one object and field with one outcome. */
    public void events(String object, String field, String outcome, long count) {
        counter("bridge.events", "Webhook events by object, field and outcome",
                "object", label(object), "field", label(field), "outcome", outcome).increment(count);
    }

    /** A signed, well-formed delivery that held no event: acknowledged, and nothing stored. */
    public void emptyDelivery() {
        counter("bridge.webhook.empty", "Signed deliveries that held no event to store").increment();
    }

    /** The routing table said none: the event was not queued, on purpose. */
    public void eventDropped(@Header(EventProperties.OBJECT) String object, @Header(EventProperties.FIELD) String field) {
        events(object, field, DROPPED, 1);
    }

    /**
     * A refused request, by status and reason: by the route, or before it (a body too large, too slow
     * or too much, too many headers, the in-flight limit reached).
     */
    public void refused(int status, String reason) {
        counter("bridge.webhook.rejected", "Requests refused, by status and reason",
                "status", Integer.toString(status), "reason", reason).increment();
        if (reason.startsWith(SIGNATURE_REASON)) {
            counter("bridge.signature.failures", "X-Hub-Signature-256 failures by reason",
                    "reason", reason.substring(SIGNATURE_REASON.length())).increment();
        }
    }

    /** A connection closed without a reply, by reason. */
    public void closed(String reason) {
        counter("bridge.webhook.connections.closed", "Connections closed without a reply, by reason",
                "reason", reason).increment();
    }

    /** Replies to Meta, by status, against its 5 seconds. */
    public void replied(int status, long nanos) {
        replies.computeIfAbsent(status, s -> Timer.builder("bridge.webhook.reply")
                .description("Time to answer a webhook request (Meta waits 5 s)")
                .tags("status", Integer.toString(s))
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One transaction of the store: its events sent and committed, the broker's journal synced. Most
     * of a reply's time is here; set against the reply times it tells the broker's share from the bridge's.
     */
    public void committed(long nanos) {
        storeCommits.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Sink outcomes: delivered, dead_lettered. */
    public void sink(String type, String outcome) {
        counter("bridge.sink.deliveries", "HTTP sink deliveries by event type and outcome",
                "type", label(type), "outcome", outcome).increment();
    }

    public void sinkDelivered(@ExchangeProperty(EventProperties.SINK_TYPE) String type) {
        sink(type, "delivered");
    }

    public void sinkDeadLettered(@ExchangeProperty(EventProperties.SINK_TYPE) String type) {
        sink(type, "dead_lettered");
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(List.of(tags));
        return counters.computeIfAbsent(key,
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }
}
