package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's broker client against a real (embedded) broker: it never deserializes an object, and
 * the store's transactions reach the broker whole.
 */
class ArtemisConnectionFactoryTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private String tcpUrl;

    @BeforeEach
    void startBroker() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        tcpUrl = "tcp://127.0.0.1:" + port;
        broker = new EmbeddedBroker(data, tcpUrl, EmbeddedBroker.Login.NONE, EmbeddedBroker.Login.NONE, 1000, 500);
        broker.start();
    }

    @AfterEach
    void stopBroker() {
        broker.stop();
    }

    @Test
    void anObjectMessageOnAQueueTheBridgeReadsIsNeverDeserialized() throws Exception {
        HashMap<String, String> payload = new HashMap<>(java.util.Map.of("gadget", "chain"));
        try (Connection attacker = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL).createConnection()) {
            Session session = attacker.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("sink.messages")).send(session.createObjectMessage(payload));
        }

        ActiveMQConnectionFactory bridgeFactory = BrokerConfiguration.artemisConnectionFactory(EmbeddedBroker.IN_VM_URL,
                null, null, 3000);
        try (Connection bridge = bridgeFactory.createConnection()) {
            bridge.start();
            Session session = bridge.createSession(false, Session.AUTO_ACKNOWLEDGE);
            ObjectMessage received = (ObjectMessage) session.createConsumer(session.createQueue("sink.messages"))
                    .receive(5000);

            assertThat(received).isNotNull();
            assertThatThrownBy(received::getObject).isInstanceOf(JMSException.class);
        }
    }

    @Test
    void durableSendsBlockAndFailInsideMetasFiveSeconds() {
        ActiveMQConnectionFactory factory = BrokerConfiguration.artemisConnectionFactory(
                "tcp://127.0.0.1:61616?blockOnDurableSend=false&callTimeout=30000", null, null, 3000);

        assertThat(factory.isBlockOnDurableSend()).isTrue();
        assertThat(factory.getCallTimeout()).isEqualTo(3000);
    }

    @Test
    void theStoresSendsWaitInTheBufferForTheirCommitUnlessTheUrlSaysOtherwise() {
        ActiveMQConnectionFactory store = BrokerConfiguration.transactedConnectionFactory(
                BrokerConfiguration.artemisConnectionFactory("(tcp://10.0.0.1:61616,tcp://10.0.0.2:61616)?ha=true",
                        null, null, 3000));
        ActiveMQConnectionFactory ownDelay = BrokerConfiguration.transactedConnectionFactory(
                BrokerConfiguration.artemisConnectionFactory("tcp://10.0.0.1:61616?batchDelay=5", null, null, 3000));

        assertThat(store.isBlockOnDurableSend()).isFalse();
        assertThat(store.getStaticConnectors()).hasSize(2).allSatisfy(
                connector -> assertThat(connector.getParams()).containsEntry(BrokerConfiguration.BATCH_DELAY, 1000L));
        assertThat(ownDelay.getStaticConnectors()).extracting(TransportConfiguration::getParams)
                .allSatisfy(params -> assertThat(params).containsEntry(BrokerConfiguration.BATCH_DELAY, "5"));
    }

    @Test
    void everySendOfATransactionIsOnTheBrokerOnceItsCommitReturns() throws Exception {
        ActiveMQConnectionFactory store = BrokerConfiguration.transactedConnectionFactory(
                BrokerConfiguration.artemisConnectionFactory(tcpUrl, null, null, 3000));
        try (Connection committer = store.createConnection()) {
            Session transaction = committer.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = transaction.createProducer(transaction.createQueue("events.messages"));
            for (int i = 0; i < 3; i++) {
                producer.send(transaction.createTextMessage("event " + i));
            }
            transaction.commit();
        }

        List<String> stored = new ArrayList<>();
        try (Connection reader = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL).createConnection()) {
            reader.start();
            Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("events.messages"));
            for (TextMessage message = (TextMessage) consumer.receive(5000); message != null;
                    message = (TextMessage) consumer.receiveNoWait()) {
                stored.add(message.getText());
            }
        }
        assertThat(stored).containsExactly("event 0", "event 1", "event 2");
    }
}
