package com.messengerbridge.sink;

import com.messengerbridge.EventProperties;
import jakarta.jms.TextMessage;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;

/**
 * Prepares an event its sink would not take for the dead-letter queue {@code sink.<type>.dlq}:
 * the event as it was stored, its {@code meta*} properties and conversation group, and the last
 * error and number of attempts. The broker's de-duplication id moves to
 * {@value SinkRequest#IDEMPOTENCY_PROPERTY}: it still identifies the event to the sink, and no
 * longer makes the broker drop the event when it is dead-lettered or redriven a second time. The
 * bridge's {@link SinkMark} stays, so a redriven event is delivered again.
 */
public final class SinkDeadLetter implements Processor {

    public static final String LAST_ERROR = "sinkLastError";
    public static final String ATTEMPTS = "sinkAttempts";
    private static final Set<String> KEPT = Set.of(EventProperties.GROUP_ID, SinkRequest.IDEMPOTENCY_PROPERTY, SinkMark.PROPERTY);

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        if (message instanceof JmsMessage jms && !(jms.getJmsMessage() instanceof TextMessage)) {
            // not the bridge's: its body is never read (an object message would be deserialized)
            message.setBody(null);
        }
        Object deduplicationId = message.getHeader(EventProperties.DUPLICATE_ID);
        message.getHeaders().keySet().removeIf(name -> !name.startsWith("meta") && !KEPT.contains(name));
        if (deduplicationId != null) {
            message.setHeader(SinkRequest.IDEMPOTENCY_PROPERTY, deduplicationId.toString());
        }
        message.setHeader(LAST_ERROR, SinkRetryPolicy.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
        message.setHeader(ATTEMPTS, exchange.getProperty(SinkRetryPolicy.FAILED_ATTEMPTS, 1, Integer.class));
    }
}
