package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A plain JMS consumer on the broker under test, as the bridge's users read it. */
final class BrokerClient implements AutoCloseable {

    /** After the expected messages, how long a queue must stay silent to count as holding no more. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final Session session;

    /**
     * The queues {@link #storedMessages()} browses for a login that may not manage the broker; null
     * when it may, and asks the broker for every queue.
     */
    private final java.util.Collection<String> countedQueues;

    BrokerClient(String url, String user, String password) throws JMSException {
        this(url, user, password, null);
    }

    /** A login that may not manage the broker: {@link #storedMessages()} counts these queues. */
    BrokerClient(String url, String user, String password, java.util.Collection<String> countedQueues)
            throws JMSException {
        this.countedQueues = countedQueues;
        factory = new ActiveMQConnectionFactory(url, user, password);
        connection = factory.createConnection();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        connection.start();
    }

    /** Receives exactly {@code count} messages from the queue, failing if fewer arrive or more are there. */
    List<TextMessage> receive(String queue, int count) throws JMSException {
        List<TextMessage> received = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            while (received.size() < count) {
                Message message = consumer.receive(10_000);
                assertThat(message).as("message %d of %d on %s", received.size() + 1, count, queue).isNotNull();
                received.add((TextMessage) message);
            }
            assertThat(consumer.receive(QUIET.toMillis())).as("a message beyond the %d expected on %s", count, queue)
                    .isNull();
        }
        return received;
    }

    /** Looks at a queue without taking anything, until it holds {@code count} messages; returns them. */
    List<Message> browse(String queue, int count, Duration timeout) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        while (true) {
            List<Message> held = List.of();
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                held = java.util.Collections.list(browser.getEnumeration()).stream().map(Message.class::cast).toList();
            } catch (jakarta.jms.InvalidDestinationException createdMeanwhile) {
                // the broker was creating the queue for the bridge at that moment: look again
            }
            if (held.size() == count || java.time.Instant.now().isAfter(deadline)) {
                assertThat(held).as("messages on %s", queue).hasSize(count);
                return held;
            }
            Thread.sleep(100);
        }
    }

    /**
     * How many messages the broker holds in all the bridge's queues (not its own DLQ and expiry
     * queues), or in the counted queues of a login that may not manage the broker.
     */
    long storedMessages() throws Exception {
        if (countedQueues != null) {
            long total = 0;
            for (String queue : countedQueues) {
                try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                    total += java.util.Collections.list(browser.getEnumeration()).size();
                }
            }
            return total;
        }
        try (jakarta.jms.QueueConnection management = factory.createQueueConnection()) {
            management.start();
            jakarta.jms.QueueSession queueSession = management.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.QueueRequestor requestor = new jakarta.jms.QueueRequestor(queueSession,
                    queueSession.createQueue("activemq.management"));
            Object[] names = (Object[]) ask(requestor, queueSession, ResourceNames.BROKER, "queueNames");
            long total = 0;
            for (Object name : names) {
                String queue = name.toString();
                if (queue.startsWith("messenger.") || queue.startsWith("instagram.") || queue.startsWith("sink.")) {
                    total += ((Number) ask(requestor, queueSession, ResourceNames.QUEUE + queue, "messageCount"))
                            .longValue();
                }
            }
            return total;
        }
    }

    /** Removes every message of the queue, through the broker's management: for the benchmark between scenarios. */
    void purge(String queue) throws Exception {
        try (jakarta.jms.QueueConnection management = factory.createQueueConnection()) {
            management.start();
            jakarta.jms.QueueSession queueSession = management.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.QueueRequestor requestor = new jakarta.jms.QueueRequestor(queueSession,
                    queueSession.createQueue("activemq.management"));
            Message request = queueSession.createMessage();
            JMSManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + queue, "removeAllMessages");
            requestor.request(request);
        }
    }

    private static Object ask(jakarta.jms.QueueRequestor requestor, jakarta.jms.QueueSession session, String resource,
            String attribute) throws Exception {
        Message request = session.createMessage();
        JMSManagementHelper.putAttribute(request, resource, attribute);
        return JMSManagementHelper.getResult(requestor.request(request));
    }

    /** Takes everything the queue holds: returns once it has been quiet for a second. */
    List<TextMessage> drain(String queue) throws JMSException {
        List<TextMessage> drained = new ArrayList<>();
        drain(queue, message -> drained.add((TextMessage) message));
        return drained;
    }

    /** Takes everything the queue holds, as {@link #drain(String)}, counting without keeping: for queues of hundreds of thousands. */
    long drainCount(String queue) throws JMSException {
        long[] drained = {0};
        drain(queue, message -> drained[0]++);
        return drained[0];
    }

    private void drain(String queue, Consumer<Message> taken) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            for (Message message = consumer.receive(5_000); message != null; message = consumer.receive(1_000)) {
                taken.accept(message);
            }
        }
    }

    void assertEmpty(String... queues) throws JMSException {
        for (String queue : queues) {
            receive(queue, 0);
        }
    }

    /** Another session on the same connection, for a consumer that runs on its own thread. */
    Session newSession() throws JMSException {
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
