package com.messengerbridge.sink;

import com.messengerbridge.tools.MoveEvents;
import jakarta.jms.JMSException;

/**
 * Moves the events of a sink's dead-letter queue back to its queue for another try, once the sink
 * is fixed: {@code java -cp target/messenger-bridge.jar com.messengerbridge.sink.DeadLetterRedrive <type>}.
 * Reaches the broker at {@code BROKER_URL} (default: the embedded broker's acceptor) with
 * {@code BROKER_USER} and {@code BROKER_PASSWORD}: {@code move-events sink.<type>.dlq sink.<type>}.
 */
public final class DeadLetterRedrive {

    private DeadLetterRedrive() {
    }

    public static void main(String... args) throws JMSException {
        if (args.length != 1 || !args[0].matches("[A-Za-z0-9_-]+")) {
            System.err.println("usage: DeadLetterRedrive <event type>   e.g. messaging_postbacks");
            System.exit(2);
        }
        MoveEvents.main("sink." + args[0] + ".dlq", "sink." + args[0]);
    }
}
