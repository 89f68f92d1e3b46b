package com.messengerbridge.store;

import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.EventViewer;
import com.messengerbridge.webhook.EventClassifier;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a request's events on the broker together: the routing table adds each event with its
 * destination, and {@link #store} sends them all in one transaction, so the request costs the
 * broker one journal sync instead of one per event, and the 200 follows its commit. When Meta
 * resends events the broker already has, Artemis refuses the whole transaction; the events are
 * then stored one transaction each, so the broker refuses just the duplicates, and they are counted.
 * <p>
 * Each store has a deadline: a broker that vanishes without closing the connection (a host or
 * container gone, a network cut) makes every blocking call wait its whole call timeout, and the
 * send, the rollback and the close add up past Meta's 5 seconds. Past the deadline the request
 * gets its 503 while the broker calls finish on a store thread; whatever they stored after all is
 * a duplicate that the broker drops when Meta sends the request again.
 */
public final class EventStore {

    /** Exchange property: the request's events waiting to be stored. */
    public static final String OUTBOX = "eventOutbox";
    /** Exchange property: where the routing table sends this event. */
    public static final String DESTINATION = "destination";
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final ConnectionFactory connections;
    private final BridgeMetrics metrics;
    private final EventViewer viewer;
    private final long timeoutMillis;
    /** At most one store per request in flight: past that, a store is refused, not queued. */
    private final ThreadPoolExecutor storeThreads;

    /**
     * @param viewer        null unless the events viewer is on
     * @param timeoutMillis how long a request waits for its events to be stored before its 503
     * @param maxStores     stores under way at once (the requests in flight, and those past their deadline)
     */
    public EventStore(ConnectionFactory connections, BridgeMetrics metrics, EventViewer viewer, long timeoutMillis,
            int maxStores) {
        this.connections = connections;
        this.metrics = metrics;
        this.viewer = viewer;
        this.timeoutMillis = timeoutMillis;
        AtomicInteger threads = new AtomicInteger();
        this.storeThreads = new ThreadPoolExecutor(0, maxStores, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "event-store-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Raised for any failure to store a request's events: its reply is a 503, and Meta retries. */
    public static final class EventsNotStoredException extends JMSException {
        EventsNotStoredException(String reason, Throwable cause) {
            super(reason);
            if (cause != null) {
                initCause(cause);
                setLinkedException(cause instanceof Exception exception ? exception : null);
            }
        }
    }

    /** One event to store: its queue, its JSON, its JMS properties. */
    record Pending(String queue, String body, Map<String, Object> properties) {

        /** A copy for an HTTP sink's queue, not an event of its own. */
        boolean forSink() {
            return queue.startsWith("sink.");
        }

        String property(String name) {
            Object value = properties.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** Before the split: an empty outbox the request's events are added to. */
    public void begin(Exchange exchange) {
        exchange.setProperty(OUTBOX, new ArrayList<Pending>());
    }

    /** In the routing table: this event, for the queue in {@value #DESTINATION}. */
    public void add(Exchange exchange, @ExchangeProperty(OUTBOX) List<Pending> outbox,
            @ExchangeProperty(DESTINATION) String destination) {
        Map<String, Object> properties = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("meta") || name.equals(EventClassifier.GROUP_ID) || name.equals(EventClassifier.DUPLICATE_ID)) {
                properties.put(name, value);
            }
        });
        outbox.add(new Pending(destination, exchange.getMessage().getBody(String.class), properties));
    }

    /** After the split: every event on the broker within the deadline, or an exception (and the reply is a 503). */
    public void store(@ExchangeProperty(OUTBOX) List<Pending> delivered) throws JMSException {
        if (delivered == null || delivered.isEmpty()) {
            return;
        }
        List<Pending> outbox = withoutRepeats(delivered);
        Future<Void> stored;
        try {
            stored = storeThreads.submit(() -> {
                storeNow(outbox);
                return null;
            });
        } catch (RejectedExecutionException busy) {
            report(outbox, BridgeMetrics.NOT_STORED);
            throw new EventsNotStoredException("every store thread is waiting on the broker", null);
        }
        try {
            stored.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            report(outbox, BridgeMetrics.NOT_STORED);
            throw new EventsNotStoredException("the broker did not confirm within " + timeoutMillis + " ms", null);
        } catch (ExecutionException failed) {
            report(outbox, BridgeMetrics.NOT_STORED);
            // any failure, not only the broker's (a pool broken by a failover, say), means a 503
            if (failed.getCause() instanceof JMSException refused) {
                throw refused;
            }
            throw new EventsNotStoredException(String.valueOf(failed.getCause()), failed.getCause());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw new EventsNotStoredException("interrupted while storing", stopping);
        }
    }

    /**
     * The request's events, each once: the broker's duplicate check does not catch two copies in
     * one transaction, so an event Meta repeated inside one delivery is dropped here, and counted.
     */
    private List<Pending> withoutRepeats(List<Pending> delivered) {
        Map<List<String>, Pending> unique = new LinkedHashMap<>();
        List<Pending> repeats = new ArrayList<>();
        for (Pending event : delivered) {
            List<String> key = Arrays.asList(event.queue(), event.property(EventClassifier.DUPLICATE_ID));
            if (unique.putIfAbsent(key, event) != null) {
                repeats.add(event);
            }
        }
        report(repeats, BridgeMetrics.DUPLICATE);
        return repeats.isEmpty() ? delivered : List.copyOf(unique.values());
    }

    /** On a store thread: the request's events in one transaction, or one by one when some are duplicates. */
    private void storeNow(List<Pending> outbox) throws JMSException {
        try (Connection connection = connections.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(null)) {
            try {
                send(session, producer, outbox);
                session.commit();
                report(outbox, BridgeMetrics.STORED);
                return;
            } catch (JMSException refused) {
                if (!isDuplicate(refused)) {
                    throw refused;
                }
                LOG.debug("a retried request holds events already stored: storing its {} events one by one",
                        outbox.size());
            }
            storeOneByOne(session, producer, outbox);
        }
    }

    /** A transaction per event: the broker refuses each duplicate's commit, and keeps the rest. */
    private void storeOneByOne(Session session, MessageProducer producer, List<Pending> outbox) throws JMSException {
        for (Pending event : outbox) {
            try {
                send(session, producer, List.of(event));
                session.commit();
                report(List.of(event), BridgeMetrics.STORED);
            } catch (JMSException refused) {
                if (!isDuplicate(refused)) {
                    throw refused;
                }
                report(List.of(event), BridgeMetrics.DUPLICATE);
            }
        }
    }

    /** Counts the outcome, one increment per object and field, not per event; the viewer sees what was stored. */
    private void report(List<Pending> events, String outcome) {
        if (viewer != null && outcome.equals(BridgeMetrics.STORED)) {
            events.stream().filter(event -> !event.forSink()).forEach(event -> viewer.stored(event.properties(),
                    event.body()));
        }
        Map<List<String>, Integer> counts = new java.util.HashMap<>();
        for (Pending event : events) {
            if (!event.forSink()) {
                counts.merge(Arrays.asList(event.property("metaObject"), event.property("metaField")), 1, Integer::sum);
            }
        }
        counts.forEach((type, count) -> metrics.events(type.get(0), type.get(1), outcome, count));
    }

    private static void send(Session session, MessageProducer producer, List<Pending> outbox) throws JMSException {
        for (Pending event : outbox) {
            TextMessage message = session.createTextMessage(event.body());
            for (Map.Entry<String, Object> property : event.properties().entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            producer.send(session.createQueue(event.queue()), message, DeliveryMode.PERSISTENT,
                    Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
        }
    }

    /**
     * Only the broker's duplicate-id refusal: a transaction rolled back for another reason (a
     * failover to the backup broker, say) stored nothing, and must not be taken for a duplicate.
     */
    private static boolean isDuplicate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("ActiveMQDuplicateIdException")) {
                return true;
            }
        }
        return false;
    }
}
