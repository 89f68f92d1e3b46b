package com.messengerbridge.tools;

import com.messengerbridge.store.EventMover;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code move-events <from> <to>}: replays parked events, or any queue's, onto another queue (see
 * {@link EventMover}). Reaches the broker at {@code BROKER_URL} (default: the embedded broker's
 * acceptor) with {@code BROKER_USER} and {@code BROKER_PASSWORD}.
 */
public final class MoveEvents {

    static final String USAGE = "usage: move-events <from queue> <to queue>   e.g. messenger.parked_reactions messenger.message_reactions";
    private static final String QUEUE_NAME = "[A-Za-z0-9_.-]{1,200}";

    private MoveEvents() {
    }

    public static void main(String... args) throws JMSException {
        if (args.length != 2 || !args[0].matches(QUEUE_NAME) || !args[1].matches(QUEUE_NAME) || args[0].equals(args[1])) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String url = env("BROKER_URL", "tcp://127.0.0.1:61616");
        EventMover.Moved result = EventMover.move(new ActiveMQConnectionFactory(url, blankToNull(env("BROKER_USER", "")),
                blankToNull(env("BROKER_PASSWORD", ""))), args[0], args[1]);
        System.out.println("moved " + result.moved() + " events from " + args[0] + " to " + args[1]
                + (result.alreadyThere() == 0 ? "" : "; " + result.alreadyThere() + " were there already and were dropped"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
