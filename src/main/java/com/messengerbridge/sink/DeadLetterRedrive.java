package com.messengerbridge.sink;

import com.messengerbridge.store.EventMover;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Moves the events of a sink's dead-letter queue back to its queue for another try, once the sink
 * is fixed: {@code java -cp target/messenger-bridge.jar com.messengerbridge.sink.DeadLetterRedrive <type>}.
 * Reaches the broker at {@code BROKER_URL} (default: the embedded broker's acceptor) with
 * {@code BROKER_USER} and {@code BROKER_PASSWORD}, as {@link EventMover} moves.
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
        return EventMover.move(factory, "sink." + type + ".dlq", "sink." + type).moved();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
