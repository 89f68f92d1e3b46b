package com.messengerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.messengerbridge.config.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import com.messengerbridge.observe.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event store against a real (embedded) broker with duplicate detection. */
class EventStoreTest {

    private static final com.messengerbridge.sink.SinkMark MARKS = new com.messengerbridge.sink.SinkMark(List.of("secret"));

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private final ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://0");
    private EventStore store;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new EmbeddedBroker(data, "", EmbeddedBroker.Login.NONE, EmbeddedBroker.Login.NONE, 1000, 500);
        broker.start();
        store = new EventStore(factory, MARKS, new BridgeMetrics(meters), null, 3000, 8, 2);
    }

    @AfterEach
    void stopBroker() {
        store.close();
        broker.stop();
    }

    /** Stores as the route does, waiting for the outcome; a failure is thrown as the route sees it. */
    private static void stored(EventStore store, List<EventStore.Pending> events) throws Exception {
        try {
            store.store(events).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
            throw (Exception) failed.getCause();
        }
    }

    @Test
    void storesARequestsEventsInOrderWithTheirProperties() throws Exception {
        stored(store, List.of(event("q.a", "1"), event("q.a", "2"), event("q.b", "3")));

        assertThat(texts("q.a")).containsExactly("1", "2");
        assertThat(texts("q.b")).containsExactly("3");
    }

    /** Each property reads back through JMS as it was set, with its type; the group is the broker's message group. */
    @Test
    void eachPropertyReadsBackThroughJmsWithItsType() throws Exception {
        Map<String, Object> properties = new java.util.LinkedHashMap<>(event("q.p", "1").properties());
        properties.put("metaTimestamp", 1718035201150L);
        properties.put("metaStandby", true);
        stored(store, List.of(new EventStore.Pending("q.p", "1", properties)));

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Message message = session.createConsumer(session.createQueue("q.p")).receive(2000);
            assertThat(message.getObjectProperty("metaTimestamp")).isEqualTo(1718035201150L);
            assertThat(message.getObjectProperty("metaStandby")).isEqualTo(true);
            assertThat(message.getStringProperty("JMSXGroupID")).isEqualTo("page:user");
            assertThat(((org.apache.activemq.artemis.jms.client.ActiveMQMessage) message).getCoreMessage().getGroupID()
                    .toString()).isEqualTo("page:user");
            assertThat(message.getStringProperty("_AMQ_DUPL_ID")).isEqualTo("page:messages:1");
            assertThat(message.getStringProperty("metaMid")).isEqualTo("1");
        }
    }

    /** A name JMS would refuse (a route's header, say) fails the request as JMS would have: nothing stored. */
    @Test
    void aPropertyNameJmsRefusesIsNotStored() throws Exception {
        for (String name : List.of("meta-field", "meta field", "AND", "JMS_ACTIVEMQ_x", "9meta")) {
            Map<String, Object> properties = new java.util.HashMap<>(event("q.r", name).properties());
            properties.put(name, "x");

            assertThatThrownBy(() -> stored(store, List.of(new EventStore.Pending("q.r", name, properties))))
                    .as(name).isInstanceOf(EventStore.EventsNotStoredException.class).hasMessageContaining(name);
        }
        assertThat(texts("q.r")).isEmpty();
    }

    /** A retry that holds stored and new events: the transaction is refused, one by one keeps the new ones. */
    @Test
    void aRebatchedRetryStoresOnlyWhatIsNew() throws Exception {
        stored(store, List.of(event("q.a", "1"), event("q.a", "2")));

        stored(store, List.of(event("q.a", "2"), event("q.a", "3"), event("q.a", "1")));
        stored(store, List.of(event("q.a", "3")));

        assertThat(texts("q.a")).containsExactly("1", "2", "3");
        assertThat(events("stored")).isEqualTo(3);
        assertThat(events("duplicate")).as("2 and 1 again, then 3 again").isEqualTo(3);
    }

    /** The broker's duplicate check does not catch two copies inside one transaction: the store does. */
    @Test
    void anEventRepeatedInOneRequestIsStoredOnceAndCountedAsADuplicate() throws Exception {
        stored(store, List.of(event("q.a", "1"), event("q.a", "2"), event("q.a", "1"), event("sink.messages", "1")));

        assertThat(texts("q.a")).containsExactly("1", "2");
        assertThat(texts("sink.messages")).as("the sink's copy is not a repeat").containsExactly("1");
        assertThat(events("stored")).isEqualTo(2);
        assertThat(events("duplicate")).isEqualTo(1);
    }

    @Test
    void eventsNotStoredAreCountedAndThrown() {
        broker.stop();

        assertThatThrownBy(() -> stored(store, List.of(event("q.a", "1"))))
                .isInstanceOf(JMSException.class);
        assertThat(events("not_stored")).isEqualTo(1);
        assertThat(events("stored")).isZero();
    }

    /** A broker gone without a word (no reset, no close): every call would wait; the request does not. */
    @Test
    void aBrokerThatNeverAnswersIsANotStoredWithinTheDeadline() {
        EventStore silent = new EventStore(brokerThat(() -> {
            Thread.sleep(60_000);
            return null;
        }), MARKS, new BridgeMetrics(meters), null, 300, 8, 2);

        long start = System.nanoTime();
        assertThatThrownBy(() -> stored(silent, List.of(event("q.a", "1"))))
                .isInstanceOf(EventStore.EventsNotStoredException.class).hasMessageContaining("within 300 ms");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(3));
        assertThat(events("not_stored")).isEqualTo(1);
    }

    /** A fault that is not the broker's (a connection pool broken by a failover): still not stored, still a 503. */
    @Test
    void anyFailureToStoreIsAJmsFailure() {
        EventStore broken = new EventStore(brokerThat(() -> {
            throw new NullPointerException("refCount");
        }), MARKS, new BridgeMetrics(meters), null, 3000, 8, 2);

        assertThatThrownBy(() -> stored(broken, List.of(event("q.a", "1"))))
                .isInstanceOf(EventStore.EventsNotStoredException.class).hasRootCauseInstanceOf(NullPointerException.class);
        assertThat(events("not_stored")).isEqualTo(1);
    }

    /** A connection factory whose every call does this. */
    private static jakarta.jms.ConnectionFactory brokerThat(java.util.concurrent.Callable<Object> call) {
        return (jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                EventStoreTest.class.getClassLoader(), new Class<?>[] {jakarta.jms.ConnectionFactory.class},
                (proxy, method, args) -> call.call());
    }

    /** Requests arriving together share a transaction; a retry among them costs the others nothing. */
    @Test
    void concurrentRequestsAreAllStoredAndARetryAmongThemStoresOnlyWhatIsNew() throws Exception {
        store.close();
        store = new EventStore(factory, MARKS, new BridgeMetrics(meters), null, 3000, 64, 2);
        stored(store, List.of(event("q.a", "1")));
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        for (int i = 2; i < 50; i++) {
            requests.add(store.store(List.of(event("q.a", Integer.toString(i)))));
        }
        requests.add(store.store(List.of(event("q.a", "1"), event("q.a", "50"))));
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(texts("q.a")).hasSize(50).doesNotHaveDuplicates();
        assertThat(events("stored")).isEqualTo(50);
        assertThat(events("duplicate")).isEqualTo(1);
    }

    /** A request answered is forgotten by the next sweep of the deadlines: nothing of it stays on the heap. */
    @Test
    void theDeadlinesForgetTheRequestsAnswered() throws Exception {
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(store.store(List.of(event("q.a", Integer.toString(i)))));
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.heldByDeadlines() > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(10);
        }
        assertThat(store.heldByDeadlines()).isZero();
        assertThat(events("stored")).isEqualTo(8);
    }

    /** Meta's retry arriving while the first delivery still waits: never two copies in one transaction. */
    @Test
    void twoRequestsWaitingWithTheSameEventStoreItOnce() throws Exception {
        EventStore oneCommitter = new EventStore(factory, MARKS, new BridgeMetrics(meters), null, 3000, 64, 1);
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(oneCommitter.store(List.of(event("q.a", "a" + i), event("q.a", "same"))));
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        oneCommitter.close();

        assertThat(texts("q.a")).hasSize(21).containsOnlyOnce("same");
        assertThat(events("duplicate")).isEqualTo(19);
    }

    /** The connection a committer held died with the broker: the first request after the restart is stored. */
    @Test
    void aRestartedBrokerStoresTheFirstRequestAfterIt() throws Exception {
        store.close();
        store = new EventStore(factory, MARKS, new BridgeMetrics(meters), null, 3000, 8, 1);
        stored(store, List.of(event("q.a", "1")));
        broker.stop();
        broker = new EmbeddedBroker(data, "", EmbeddedBroker.Login.NONE, EmbeddedBroker.Login.NONE, 1000, 500);
        broker.start();

        stored(store, List.of(event("q.a", "2")));
        stored(store, List.of(event("q.a", "3")));

        assertThat(texts("q.a")).containsExactly("1", "2", "3");
    }

    /** Every committer busy on a silent broker and the waiting places full: refused at once, not queued. */
    @Test
    void aRequestFindingEveryPlaceTakenIsRefusedAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch committerOnTheBroker = new java.util.concurrent.CountDownLatch(1);
        EventStore silent = new EventStore(brokerThat(() -> {
            committerOnTheBroker.countDown();
            Thread.sleep(60_000);
            return null;
        }), MARKS, new BridgeMetrics(meters), null, 5_000, 1, 1);
        silent.store(List.of(event("q.a", "1")));
        // not merely taken from the queue: a committer still gathering its batch would take "2" as well
        assertThat(committerOnTheBroker.await(5, TimeUnit.SECONDS)).isTrue();
        silent.store(List.of(event("q.a", "2")));

        assertThat(silent.store(List.of(event("q.a", "3")))).isCompletedExceptionally();
        assertThatThrownBy(() -> stored(silent, List.of(event("q.a", "4"))))
                .isInstanceOf(EventStore.EventsNotStoredException.class).hasMessageContaining("every store place");
        silent.close();
    }

    @Test
    void sinkCopiesAreNotCountedAsEvents() throws Exception {
        stored(store, List.of(event("q.a", "1"), event("sink.messages", "1")));

        assertThat(events("stored")).isEqualTo(1);
    }

    private double events(String outcome) {
        return meters.find("bridge.events").tags("object", "page", "field", "messages", "outcome", outcome)
                .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static EventStore.Pending event(String queue, String id) {
        return new EventStore.Pending(queue, id, Map.of("_AMQ_DUPL_ID", "page:messages:" + id, "metaMid", id,
                "JMSXGroupID", "page:user", "metaObject", "page", "metaField", "messages"));
    }

    private List<String> texts(String queue) throws JMSException {
        List<String> texts = new ArrayList<>();
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (var message = consumer.receive(2000); message != null; message = consumer.receive(300)) {
                assertThat(message.getStringProperty("metaMid")).isEqualTo(((TextMessage) message).getText());
                texts.add(((TextMessage) message).getText());
            }
        }
        return texts;
    }
}
