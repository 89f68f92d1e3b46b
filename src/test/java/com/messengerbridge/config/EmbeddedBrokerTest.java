package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddedBrokerTest {

    @ParameterizedTest
    @CsvSource({"tcp://0.0.0.0:61616", "tcp://192.0.2.10:61616", "tcp://10.1.2.3:61616?protocols=CORE"})
    void anAcceptorBeyondLoopbackNeedsALogin(String acceptor) {
        assertThatThrownBy(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "", ""))
                .hasMessageContaining("set BROKER_USER and BROKER_PASSWORD");
        assertThatThrownBy(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "bridge", ""))
                .hasMessageContaining("set BROKER_USER and BROKER_PASSWORD");
        assertThatCode(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "bridge", "secret"))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"tcp://127.0.0.1:61616", "tcp://localhost:61616", "''"})
    void onThisMachineOnlyNoLoginIsNeeded(String acceptor) {
        assertThatCode(() -> EmbeddedBroker.requireLoginBeyondLoopback(acceptor, "", ""))
                .doesNotThrowAnyException();
    }

    @Test
    void theConsumersLoginIsASecondLoginOfItsOwn() {
        EmbeddedBroker.Login bridge = new EmbeddedBroker.Login("bridge", "secret");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(EmbeddedBroker.Login.NONE,
                new EmbeddedBroker.Login("reader", "secret"))).hasMessageContaining("without BROKER_USER");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("reader", "")))
                .hasMessageContaining("without BROKER_CONSUMER_PASSWORD");
        assertThatThrownBy(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("bridge", "other")))
                .hasMessageContaining("must differ");
        assertThatCode(() -> EmbeddedBroker.requireDistinctLogins(bridge, new EmbeddedBroker.Login("reader", "secret")))
                .doesNotThrowAnyException();
        assertThatCode(() -> EmbeddedBroker.requireDistinctLogins(bridge, EmbeddedBroker.Login.NONE))
                .doesNotThrowAnyException();
    }

    /**
     * Consumers away: what the queue holds beyond the broker's memory limit goes to page files, and
     * a consumer that comes back reads every event, in the order stored.
     */
    @Test
    void eventsBeyondTheMemoryLimitArePagedAndReadBackInOrder(@TempDir Path data) throws Exception {
        String kilobyte = "x".repeat(1024);
        // about twice the limit: a 1 KB text is about 2 KB by the broker's estimate (two bytes a character)
        int events = (int) (2 * EmbeddedBroker.GLOBAL_MAX_SIZE_BYTES / (2 * 1024));
        EmbeddedBroker broker = new EmbeddedBroker(data, "", EmbeddedBroker.Login.NONE, EmbeddedBroker.Login.NONE,
                1000, 500);
        broker.start();
        try (Connection connection = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL).createConnection()) {
            Session sending = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = sending.createProducer(sending.createQueue("messenger.paged"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < events; i++) {
                producer.send(sending.createTextMessage(i + ":" + kilobyte));
                if (i % 500 == 499) {
                    sending.commit();
                }
            }
            sending.commit();
            try (Stream<Path> files = Files.walk(data.resolve("paging"))) {
                assertThat(files.filter(file -> file.toString().endsWith(".page")))
                        .as("page files of the queue").isNotEmpty();
            }

            connection.start();
            Session reading = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = reading.createConsumer(reading.createQueue("messenger.paged"));
            for (int i = 0; i < events; i++) {
                TextMessage message = (TextMessage) consumer.receive(10_000);
                assertThat(message).as("event %d of %d", i + 1, events).isNotNull();
                assertThat(message.getText()).startsWith(i + ":");
            }
            assertThat(consumer.receive(300)).as("an event beyond those stored").isNull();
        } finally {
            broker.stop();
        }
    }
}
