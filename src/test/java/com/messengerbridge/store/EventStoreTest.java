package com.messengerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import com.messengerbridge.observe.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event store against a real (embedded) broker with duplicate detection. */
class EventStoreTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private final ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://0");
    private EventStore store;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new EmbeddedBroker(data, "", "", "", 1000);
        broker.start();
        store = new EventStore(factory, new BridgeMetrics(meters), null, 3000, 8);
    }

    @AfterEach
    void stopBroker() {
        broker.stop();
    }

    @Test
    void storesARequestsEventsInOrderWithTheirProperties() throws Exception {
        store.store(List.of(event("q.a", "1"), event("q.a", "2"), event("q.b", "3")));

        assertThat(texts("q.a")).containsExactly("1", "2");
        assertThat(texts("q.b")).containsExactly("3");
    }

    /** A retry that holds stored and new events: the transaction is refused, one by one keeps the new ones. */
    @Test
    void aRebatchedRetryStoresOnlyWhatIsNew() throws Exception {
        store.store(List.of(event("q.a", "1"), event("q.a", "2")));

        store.store(List.of(event("q.a", "2"), event("q.a", "3"), event("q.a", "1")));
        store.store(List.of(event("q.a", "3")));

        assertThat(texts("q.a")).containsExactly("1", "2", "3");
        assertThat(events("stored")).isEqualTo(3);
        assertThat(events("duplicate")).as("2 and 1 again, then 3 again").isEqualTo(3);
    }

    /** The broker's duplicate check does not catch two copies inside one transaction: the store does. */
    @Test
    void anEventRepeatedInOneRequestIsStoredOnceAndCountedAsADuplicate() throws Exception {
        store.store(List.of(event("q.a", "1"), event("q.a", "2"), event("q.a", "1"), event("sink.messages", "1")));

        assertThat(texts("q.a")).containsExactly("1", "2");
        assertThat(texts("sink.messages")).as("the sink's copy is not a repeat").containsExactly("1");
        assertThat(events("stored")).isEqualTo(2);
        assertThat(events("duplicate")).isEqualTo(1);
    }

    @Test
    void eventsNotStoredAreCountedAndThrown() {
        broker.stop();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.store(List.of(event("q.a", "1"))))
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
        }), new BridgeMetrics(meters), null, 300, 8);

        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> silent.store(List.of(event("q.a", "1"))))
                .isInstanceOf(EventStore.EventsNotStoredException.class).hasMessageContaining("within 300 ms");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(3));
        assertThat(events("not_stored")).isEqualTo(1);
    }

    /** A fault that is not the broker's (a connection pool broken by a failover): still not stored, still a 503. */
    @Test
    void anyFailureToStoreIsAJmsFailure() {
        EventStore broken = new EventStore(brokerThat(() -> {
            throw new NullPointerException("refCount");
        }), new BridgeMetrics(meters), null, 3000, 8);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.store(List.of(event("q.a", "1"))))
                .isInstanceOf(EventStore.EventsNotStoredException.class).hasRootCauseInstanceOf(NullPointerException.class);
        assertThat(events("not_stored")).isEqualTo(1);
    }

    /** A connection factory whose every call does this. */
    private static jakarta.jms.ConnectionFactory brokerThat(java.util.concurrent.Callable<Object> call) {
        return (jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(
                EventStoreTest.class.getClassLoader(), new Class<?>[] {jakarta.jms.ConnectionFactory.class},
                (proxy, method, args) -> call.call());
    }

    @Test
    void sinkCopiesAreNotCountedAsEvents() throws Exception {
        store.store(List.of(event("q.a", "1"), event("sink.messages", "1")));

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
