package com.messengerbridge.store;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a request's events on the broker together: the routing table adds each event with its
 * destination, and {@link #store} sends them all in one transaction, so the request costs the
 * broker one journal sync instead of one per event, and the 200 follows its commit. When Meta
 * resends events the broker already has, Artemis refuses the whole transaction; the events are
 * then sent one by one, and the broker drops just the duplicates.
 */
public final class EventStore {

    /** Exchange property: the request's events waiting to be stored. */
    public static final String OUTBOX = "eventOutbox";
    /** Exchange property: where the routing table sends this event. */
    public static final String DESTINATION = "destination";
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final ConnectionFactory connections;

    public EventStore(ConnectionFactory connections) {
        this.connections = connections;
    }

    /** One event to store: its queue, its JSON, its JMS properties. */
    record Pending(String queue, String body, Map<String, Object> properties) {
    }

    /** Before the split: an empty outbox the request's events are added to. */
    public void begin(Exchange exchange) {
        exchange.setProperty(OUTBOX, new ArrayList<Pending>());
    }

    /** In the routing table: this event, for the queue in {@value #DESTINATION}. */
    public void add(Exchange exchange, @ExchangeProperty(OUTBOX) List<Pending> outbox,
            @ExchangeProperty(DESTINATION) String destination) {
        Map<String, Object> properties = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (name.startsWith("meta") || name.equals("JMSXGroupID") || name.equals("_AMQ_DUPL_ID")) {
                properties.put(name, value);
            }
        });
        outbox.add(new Pending(destination, exchange.getMessage().getBody(String.class), properties));
    }

    /** After the split: every event on the broker, or an exception (and the reply is a 503). */
    public void store(@ExchangeProperty(OUTBOX) List<Pending> outbox) throws JMSException {
        if (outbox == null || outbox.isEmpty()) {
            return;
        }
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageProducer producer = session.createProducer(null)) {
                send(session, producer, outbox);
                session.commit();
                return;
            } catch (JMSException refused) {
                if (!isDuplicate(refused)) {
                    throw refused;
                }
                LOG.debug("a retried request holds events already stored: storing its {} events one by one",
                        outbox.size());
            } finally {
                session.close();
            }
            storeOneByOne(connection, outbox);
        }
    }

    /** Without a transaction the broker drops each duplicate silently and keeps the rest. */
    private static void storeOneByOne(Connection connection, List<Pending> outbox) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(null)) {
            send(session, producer, outbox);
        }
    }

    private static void send(Session session, MessageProducer producer, List<Pending> outbox) throws JMSException {
        for (Pending event : outbox) {
            TextMessage message = session.createTextMessage(event.body());
            for (Map.Entry<String, Object> property : event.properties().entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            producer.send(session.createQueue(event.queue()), message, DeliveryMode.PERSISTENT,
                    Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
        }
    }

    private static boolean isDuplicate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("ActiveMQDuplicateIdException")
                    || cause instanceof jakarta.jms.TransactionRolledBackException) {
                return true;
            }
        }
        return false;
    }
}
