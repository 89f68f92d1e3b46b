package com.messengerbridge.store;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.Collections;

/**
 * Moves what a queue holds when the move starts to another queue, in order, each event in one
 * transaction with all its properties (its de-duplication id among them): a crash moves an event at
 * most once more, never loses it. An event the other queue's de-duplication already has (Meta
 * resent it, and it was stored there since) is taken off the first queue and counted, not sent twice.
 */
public final class EventMover {

    /** What a move did: events moved, and events dropped because the other queue had them already. */
    public record Moved(int moved, int alreadyThere) {
    }

    private EventMover() {
    }

    public static Moved move(ConnectionFactory factory, String from, String to) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            var source = session.createQueue(from);
            int waiting;
            try (QueueBrowser browser = session.createBrowser(source)) {
                waiting = Collections.list(browser.getEnumeration()).size();
            }
            int moved = 0;
            int alreadyThere = 0;
            try (MessageConsumer consumer = session.createConsumer(source);
                    MessageProducer producer = session.createProducer(session.createQueue(to))) {
                while (moved + alreadyThere < waiting) {
                    Message event = consumer.receive(5_000);
                    if (event == null) {
                        break;
                    }
                    try {
                        producer.send(event);
                        session.commit();
                        moved++;
                    } catch (JMSException refused) {
                        if (!EventStore.isDuplicate(refused)) {
                            throw refused;
                        }
                        // undone (if the refusal came at the send, not the commit, undo it here): take
                        // the same event again, and this time only off the first queue
                        session.rollback();
                        if (consumer.receive(5_000) != null) {
                            session.commit();
                            alreadyThere++;
                        }
                    }
                }
            }
            return new Moved(moved, alreadyThere);
        }
    }
}
