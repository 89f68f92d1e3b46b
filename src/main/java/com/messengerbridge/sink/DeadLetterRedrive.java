package com.messengerbridge.sink;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.Collections;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Moves the events of a sink's dead-letter queue back to its queue for another try, once the sink
 * is fixed: {@code java -cp target/messenger-bridge.jar com.messengerbridge.sink.DeadLetterRedrive <type>}.
 * Reaches the broker at {@code BROKER_URL} (default: the embedded broker's acceptor) with
 * {@code BROKER_USER} and {@code BROKER_PASSWORD}. Moves what the queue holds when it starts, in
 * order, each event in one transaction: a crash moves an event at most once more, never loses it.
 */
public final class DeadLetterRedrive {

    private DeadLetterRedrive() {
    }

    public static void main(String... args) throws JMSException {
        if (args.length != 1 || !args[0].matches("[A-Za-z0-9_-]+")) {
            System.err.println("usage: DeadLetterRedrive <event type>   e.g. messaging_postbacks");
            System.exit(2);
        }
        String url = env("BROKER_URL", "tcp://127.0.0.1:61616");
        int moved = redrive(new ActiveMQConnectionFactory(url, blankToNull(env("BROKER_USER", "")),
                blankToNull(env("BROKER_PASSWORD", ""))), args[0]);
        System.out.println("moved " + moved + " events from sink." + args[0] + ".dlq to sink." + args[0]);
    }

    /** @return how many events were moved */
    public static int redrive(ActiveMQConnectionFactory factory, String type) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue deadLetters = session.createQueue("sink." + type + ".dlq");
            int waiting;
            try (QueueBrowser browser = session.createBrowser(deadLetters)) {
                waiting = Collections.list(browser.getEnumeration()).size();
            }
            int moved = 0;
            try (MessageConsumer consumer = session.createConsumer(deadLetters);
                    MessageProducer producer = session.createProducer(session.createQueue("sink." + type))) {
                while (moved < waiting) {
                    Message message = consumer.receive(5_000);
                    if (message == null) {
                        break;
                    }
                    producer.send(message);
                    session.commit();
                    moved++;
                }
            }
            return moved;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
