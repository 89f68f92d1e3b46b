package com.messengerbridge.store;

import com.messengerbridge.EventProperties;
import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.EventViewer;
import com.messengerbridge.sink.SinkMark;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores requests' events on the broker, many requests in one transaction (group commit), and tells
 * each request when its own events are stored, without holding its thread.
 * <p>
 * The routing table adds each event with its destination; {@link #store} queues the request's
 * events and returns at once. A few committer threads each take every request waiting, send their
 * events in one transaction and commit: one round trip and one journal sync for all of them, however
 * many requests arrive at once. A request's events are always in the same transaction, so they are
 * stored together or not at all. When Meta resends events the broker already has, Artemis refuses
 * the whole transaction; its requests are then stored one transaction each, and a request whose
 * transaction is refused one event at a time, so the broker refuses just the duplicates, and they
 * are counted.
 * <p>
 * Each request has a deadline: a broker that vanishes without closing the connection (a host or
 * container gone, a network cut) makes every blocking call wait its whole call timeout. Past the
 * deadline the request fails and gets its 503; a committer that has not started on it leaves it
 * out, and whatever it stored after all is a duplicate that the broker drops when Meta sends the
 * request again.
 */
public final class EventStore implements AutoCloseable {

    /** Exchange property: the request's events waiting to be stored. */
    public static final String OUTBOX = "eventOutbox";
    /** Exchange property: where the routing table sends this event. */
    public static final String DESTINATION = "destination";
    /** A destination {@code topic:<address>}: published to a multicast address, not queued. */
    public static final String TOPIC_PREFIX = "topic:";
    /**
     * At most this many events in one transaction (a request is never split). With 2,000, two
     * committers could hold all of 32 requests of 100 events at once; 800 keep some answered while
     * the next transaction fills: a lower p99 under 100-event requests (docs/benchmark.md).
     */
    private static final int MAX_EVENTS_PER_COMMIT = 800;
    /** How often the deadlines are checked, at most: a 503 comes this much after its deadline at worst. */
    private static final long MAX_SWEEP_MILLIS = 50;
    private static final String SINK_QUEUE_PREFIX = "sink.";
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final ConnectionFactory connections;
    private final SinkMark sinkMarks;
    private final BridgeMetrics metrics;
    private final EventViewer viewer;
    private final long timeoutMillis;
    /** Requests whose events wait for a committer; a request that finds it full is refused, not queued. */
    private final BlockingQueue<Request> waiting;
    private final List<Committer> committers = new ArrayList<>();
    /** The requests in flight, each with its deadline, and those answered since the last sweep. */
    private final Queue<Deadline> unsettled = new ConcurrentLinkedQueue<>();
    /** Fails the requests past their deadline, a few times a second (not a timer for each request). */
    private final ScheduledThreadPoolExecutor deadlines;

    /**
     * @param sinkMarks     marks each copy stored for an HTTP sink, which delivers only what is marked
     * @param viewer        null unless the events viewer is on
     * @param timeoutMillis how long a request waits for its events to be stored before its 503
     * @param maxWaiting    requests waiting for a committer at most (the requests in flight)
     * @param committers    transactions under way at once, each on its own broker connection
     */
    public EventStore(ConnectionFactory connections, SinkMark sinkMarks, BridgeMetrics metrics, EventViewer viewer,
            long timeoutMillis, int maxWaiting, int committers) {
        this.connections = connections;
        this.sinkMarks = sinkMarks;
        this.metrics = metrics;
        this.viewer = viewer;
        this.timeoutMillis = timeoutMillis;
        this.waiting = new ArrayBlockingQueue<>(maxWaiting);
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemon("event-store-deadlines"));
        // A timer for each request woke this thread whenever no other request was in flight: 0.7 of
        // the bridge's 15 context switches a request at 1,000 requests a second. A sweep a few times a
        // second answers a request at most a tenth of its timeout late.
        long sweepMillis = Math.max(1, Math.min(MAX_SWEEP_MILLIS, timeoutMillis / 10));
        this.deadlines.scheduleWithFixedDelay(this::failOverdue, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        for (int i = 1; i <= committers; i++) {
            Committer committer = new Committer();
            this.committers.add(committer);
            daemon("event-store-" + i).newThread(committer).start();
        }
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
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
    record Pending(String queue, String body, PropertyArrays properties) {

        Pending(String queue, String body, Map<String, Object> properties) {
            this(queue, body, PropertyArrays.of(properties));
        }

        /** A copy for an HTTP sink's queue, not an event of its own. */
        boolean forSink() {
            return queue.startsWith(SINK_QUEUE_PREFIX);
        }

        String property(String name) {
            Object value = properties.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** A request's events, each once; the future its route waits on. */
    private record Request(List<Pending> events, CompletableFuture<Void> stored, AtomicBoolean settled) {

        /**
         * The request's events, each once: the broker's duplicate check does not catch two copies in
         * one transaction, so an event Meta repeated inside one delivery is dropped here (and counted
         * by the caller).
         */
        static Request of(List<Pending> delivered, List<Pending> repeats) {
            Map<List<String>, Pending> unique = new LinkedHashMap<>();
            for (Pending event : delivered) {
                if (unique.putIfAbsent(key(event), event) != null) {
                    repeats.add(event);
                }
            }
            List<Pending> events = repeats.isEmpty() ? delivered : List.copyOf(unique.values());
            return new Request(events, new CompletableFuture<>(), new AtomicBoolean());
        }

        /** True for the first outcome only: stored, failed, or past the deadline. */
        boolean settle() {
            return settled.compareAndSet(false, true);
        }
    }

    /** Before the split: an empty outbox the request's events are added to. */
    public void begin(Exchange exchange) {
        exchange.setProperty(OUTBOX, new ArrayList<Pending>());
    }

    /** In the routing table: this event, for the queue in {@value #DESTINATION}. */
    public void add(Exchange exchange, @ExchangeProperty(OUTBOX) List<Pending> outbox,
            @ExchangeProperty(DESTINATION) String destination) {
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        PropertyArrays.Builder stored = new PropertyArrays.Builder(headers.size());
        headers.forEach((name, value) -> {
            if (name.startsWith("meta") || name.equals(EventProperties.GROUP_ID)
                    || name.equals(EventProperties.DUPLICATE_ID) || name.equals(EventProperties.TRACEPARENT)) {
                stored.put(name, value);
            }
        });
        PropertyArrays properties = stored.build();
        String body = exchange.getMessage().getBody(String.class);
        if (destination.startsWith(SINK_QUEUE_PREFIX)) {
            properties = properties.with(SinkMark.PROPERTY,
                    sinkMarks.of(destination.substring(SINK_QUEUE_PREFIX.length()), properties::get, body));
        }
        outbox.add(new Pending(destination, body, properties));
    }

    /**
     * After the split: completes once every event of the request is on the broker, or fails with an
     * {@link EventsNotStoredException} (and the reply is a 503). The route goes on when it completes;
     * no thread waits for it.
     */
    public CompletableFuture<Void> store(@ExchangeProperty(OUTBOX) List<Pending> delivered) {
        if (delivered == null || delivered.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Pending> repeats = new ArrayList<>();
        Request request = Request.of(delivered, repeats);
        report(repeats, BridgeMetrics.DUPLICATE);
        if (!waiting.offer(request)) {
            fail(request, new EventsNotStoredException("every store place is taken: the broker is slower than"
                    + " the requests", null));
            return request.stored();
        }
        unsettled.add(new Deadline(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)));
        return request.stored();
    }

    /** A request and when it fails unless its events are stored. */
    private record Deadline(Request request, long dueNanos) {
    }

    /** Fails the requests past their deadline, and forgets those answered. */
    private void failOverdue() {
        long now = System.nanoTime();
        unsettled.removeIf(deadline -> {
            if (now - deadline.dueNanos() >= 0) {
                try {
                    fail(deadline.request(), new EventsNotStoredException("the broker did not confirm within "
                            + timeoutMillis + " ms", null));
                } catch (RuntimeException fault) {
                    // the sweep must go on: a fault escaping it would stop every later sweep
                    LOG.warn("answering a request past its deadline failed: {}", fault.toString());
                }
            }
            return deadline.request().settled().get();
        });
    }

    /** The requests the deadlines still hold: those not answered, and those answered since the last sweep. */
    int heldByDeadlines() {
        return unsettled.size();
    }

    /** Stops the committers and closes their connections; requests still waiting fail. */
    @Override
    public void close() {
        committers.forEach(Committer::stop);
        deadlines.shutdownNow();
        for (Request request; (request = waiting.poll()) != null; ) {
            fail(request, new EventsNotStoredException("the bridge is stopping", null));
        }
    }

    /** A store thread: takes the requests waiting, stores them in one transaction, tells each. */
    private final class Committer implements Runnable {
        private volatile boolean running = true;
        private volatile Thread thread;
        /** A request left for the next transaction, because the batch already held one of its events. */
        private Request carried;
        private Connection connection;
        /** Set by the client when the connection fails between transactions (a broker restart, say). */
        private volatile boolean connectionFailed;
        private Session session;
        private MessageProducer producer;
        private final Map<String, Destination> queues = new HashMap<>();

        @Override
        public void run() {
            thread = Thread.currentThread();
            while (running) {
                List<Request> batch;
                try {
                    batch = nextBatch();
                } catch (InterruptedException stopping) {
                    break;
                }
                if (!batch.isEmpty()) {
                    commit(batch);
                }
            }
            if (carried != null) {
                fail(carried, new EventsNotStoredException("the bridge is stopping", null));
            }
            disconnect();
        }

        void stop() {
            running = false;
            Thread current = thread;
            if (current != null) {
                current.interrupt();
            }
        }

        /**
         * Every request waiting, up to a transaction's worth of events; those past their deadline left
         * out. A request holding an event already in the transaction (Meta's retry arriving while the
         * first delivery waits) goes in the next one: the broker's duplicate check does not catch two
         * copies inside one transaction, and catches the second in the next.
         */
        private List<Request> nextBatch() throws InterruptedException {
            List<Request> batch = new ArrayList<>();
            Set<List<String>> eventsInBatch = new HashSet<>();
            int events = 0;
            Request request = carried != null ? carried : waiting.take();
            carried = null;
            for (; request != null; request = waiting.poll()) {
                if (request.settled().get()) {
                    continue;
                }
                // the keys the broker tells duplicates by, worked out here rather than kept with each
                // waiting request: those are what the young collections copy under load
                List<List<String>> keys = request.events().stream().map(EventStore::key).toList();
                if (keys.stream().anyMatch(eventsInBatch::contains)) {
                    carried = request;
                    break;
                }
                eventsInBatch.addAll(keys);
                batch.add(request);
                events += request.events().size();
                if (events >= MAX_EVENTS_PER_COMMIT) {
                    break;
                }
            }
            return batch;
        }

        private void commit(List<Request> batch) {
            try {
                connect();
                long start = System.nanoTime();
                for (Request request : batch) {
                    send(request.events());
                }
                session.commit();
                metrics.committed(System.nanoTime() - start);
                batch.forEach(request -> stored(request, request.events()));
                return;
            } catch (JMSException refused) {
                if (!isDuplicate(refused)) {
                    failAll(batch, refused);
                    return;
                }
                LOG.debug("a retried request holds events already stored: storing the {} requests of the"
                        + " transaction one by one", batch.size());
            } catch (RuntimeException fault) {
                // any failure, not only the broker's, means a 503
                failAll(batch, fault);
                return;
            }
            commitOneByOne(batch);
        }

        /** A transaction per request, and per event for a request the broker refuses as a duplicate. */
        private void commitOneByOne(List<Request> batch) {
            for (int i = 0; i < batch.size(); i++) {
                Request request = batch.get(i);
                try {
                    try {
                        send(request.events());
                        session.commit();
                        stored(request, request.events());
                    } catch (JMSException refused) {
                        if (!isDuplicate(refused)) {
                            throw refused;
                        }
                        commitEventByEvent(request);
                    }
                } catch (JMSException | RuntimeException failure) {
                    failAll(batch.subList(i, batch.size()), failure);
                    return;
                }
            }
        }

        /** A transaction per event: the broker refuses each duplicate's commit, and keeps the rest. */
        private void commitEventByEvent(Request request) throws JMSException {
            List<Pending> stored = new ArrayList<>();
            for (Pending event : request.events()) {
                try {
                    send(List.of(event));
                    session.commit();
                    stored.add(event);
                } catch (JMSException refused) {
                    if (!isDuplicate(refused)) {
                        throw refused;
                    }
                    report(List.of(event), BridgeMetrics.DUPLICATE);
                }
            }
            stored(request, stored);
        }

        private void failAll(List<Request> batch, Exception failure) {
            disconnect(); // a connection that failed once is not trusted again: the next batch opens a new one
            for (Request request : batch) {
                fail(request, failure instanceof EventsNotStoredException notStored ? notStored
                        : new EventsNotStoredException(String.valueOf(failure), failure));
            }
        }

        private void send(List<Pending> events) throws JMSException {
            for (Pending event : events) {
                TextMessage message = session.createTextMessage(event.body());
                PropertyArrays properties = event.properties();
                for (int i = 0; i < properties.size(); i++) {
                    message.setObjectProperty(properties.name(i), properties.value(i));
                }
                producer.send(queues.computeIfAbsent(event.queue(), this::queue), message, DeliveryMode.PERSISTENT,
                        Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
            }
        }

        /**
         * The queue, looked up once per connection: each lookup, and each first send to a queue
         * object, asks the broker about the queue, a round trip per event if not kept. A name
         * {@code topic:<address>} is a multicast address: every subscription on it gets the event.
         */
        private Destination queue(String name) {
            try {
                return name.startsWith(TOPIC_PREFIX) ? session.createTopic(name.substring(TOPIC_PREFIX.length()))
                        : session.createQueue(name);
            } catch (JMSException refused) {
                throw new IllegalStateException("queue " + name + ": " + refused.getMessage(), refused);
            }
        }

        private void connect() throws JMSException {
            if (connectionFailed) {
                disconnect(); // a request is not failed for a connection already known to be gone
            }
            if (session == null) {
                connectionFailed = false;
                connection = connections.createConnection();
                connection.setExceptionListener(failure -> connectionFailed = true);
                session = connection.createSession(true, Session.SESSION_TRANSACTED);
                producer = session.createProducer(null);
            }
        }

        private void disconnect() {
            Connection current = connection;
            connection = null;
            session = null;
            producer = null;
            queues.clear();
            if (current != null) {
                try {
                    current.close();
                } catch (JMSException | RuntimeException alreadyBroken) {
                    LOG.debug("closing a failed broker connection: {}", alreadyBroken.toString());
                }
            }
        }
    }

    /** The request's events are on the broker: counted, and the request goes on, unless its deadline came first. */
    private void stored(Request request, List<Pending> events) {
        if (!request.settle()) {
            LOG.debug("events stored after their request's deadline: Meta's retry will find them duplicates");
            return;
        }
        // counted before the route goes on, so the counts are there by the time the reply is
        report(events, BridgeMetrics.STORED);
        request.stored().complete(null);
    }

    private void fail(Request request, EventsNotStoredException failure) {
        if (request.settle()) {
            report(request.events(), BridgeMetrics.NOT_STORED);
            request.stored().completeExceptionally(failure);
        }
    }

    /** What makes two events the same for the broker: the queue and the duplicate id. */
    private static List<String> key(Pending event) {
        return Arrays.asList(event.queue(), event.property(EventProperties.DUPLICATE_ID));
    }

    /** Counts the outcome, one increment per object and field, not per event; the viewer sees each event's. */
    private void report(List<Pending> events, String outcome) {
        if (viewer != null) {
            events.stream().filter(event -> !event.forSink()).forEach(event -> viewer.seen(event.properties(),
                    event.body(), outcome));
        }
        Map<List<String>, Integer> counts = new HashMap<>();
        for (Pending event : events) {
            if (!event.forSink()) {
                counts.merge(Arrays.asList(event.property(EventProperties.OBJECT),
                        event.property(EventProperties.FIELD)), 1, Integer::sum);
            }
        }
        counts.forEach((type, count) -> metrics.events(type.get(0), type.get(1), outcome, count));
    }

    /**
     * Only the broker's duplicate-id refusal: a transaction rolled back for another reason (a
     * failover to the backup broker, say) stored nothing, and must not be taken for a duplicate.
     */
    static boolean isDuplicate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ActiveMQException refused
                    && refused.getType() == ActiveMQExceptionType.DUPLICATE_ID_REJECTED) {
                return true;
            }
        }
        return false;
    }
}
