package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.HashMap;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's broker client against a real (embedded) broker: it never deserializes an object. */
class ArtemisConnectionFactoryTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = new EmbeddedBroker(data, "", EmbeddedBroker.Login.NONE, EmbeddedBroker.Login.NONE, 1000, 500);
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
}
