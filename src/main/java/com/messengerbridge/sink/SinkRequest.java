package com.messengerbridge.sink;

import com.messengerbridge.EventProperties;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import jakarta.jms.TextMessage;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;

/**
 * Turns a stored event into the exact request its sink receives: the event's JSON as body, and
 * only the documented headers below. Everything else on the message (JMS properties, Camel
 * control headers) is removed first, so nothing can steer the request.
 * <p>
 * Only what this bridge stored is delivered: a message that is not text, or that lacks a valid
 * {@link SinkMark}, is refused with {@link Refused}, which is never retried: it is dead-lettered
 * at once, and never signed nor sent.
 */
public final class SinkRequest implements Processor {

    public static final String SIGNATURE_HEADER = "X-Bridge-Signature-256";
    /** Where a dead-lettered or redriven event keeps its de-duplication id (the broker's is removed). */
    public static final String IDEMPOTENCY_PROPERTY = "sinkIdempotencyKey";
    /** Exchange property: the event's reference in the logs, a hash of its key (see {@link #referenceOf}). */
    public static final String EVENT_REF = "sinkEventRef";

    /** Outgoing header -> JMS property it is taken from. */
    private static final Map<String, String> HEADERS = Map.of(
            "X-Meta-Object", EventProperties.OBJECT,
            "X-Meta-Field", EventProperties.FIELD,
            "X-Meta-Page", EventProperties.ENTRY_ID,
            "X-Meta-Mid", EventProperties.MID,
            "X-Meta-Standby", EventProperties.STANDBY);

    private final HttpSinks sinks;
    private final SinkMark marks;

    public SinkRequest(HttpSinks sinks, SinkMark marks) {
        this.sinks = sinks;
        this.marks = marks;
    }

    /** A message on a sink queue that this bridge did not store there: dead-lettered, never delivered. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    @Override
    public void process(Exchange exchange) throws Refused {
        Message message = exchange.getMessage();
        String idempotencyKey = idempotencyKeyOf(message::getHeader);
        exchange.setProperty(EVENT_REF, referenceOf(idempotencyKey));
        String sinkType = exchange.getProperty(EventProperties.SINK_TYPE, String.class);
        String json = textOf(message);
        if (!marks.isValid(sinkType, message::getHeader, json, message.getHeader(SinkMark.PROPERTY))) {
            throw new Refused("no valid bridge mark");
        }
        Map<String, Object> kept = new java.util.HashMap<>();
        HEADERS.forEach((header, property) -> {
            Object value = message.getHeader(property);
            if (value != null) {
                kept.put(header, value.toString());
            }
        });
        byte[] body = json.getBytes(StandardCharsets.UTF_8);

        message.getHeaders().clear();
        message.getHeaders().putAll(kept);
        if (idempotencyKey != null) {
            message.setHeader("Idempotency-Key", idempotencyKey);
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        sinks.signerOf(sinkType).ifPresent(signer -> message.setHeader(SIGNATURE_HEADER, signer.signatureOf(body)));
        message.setBody(body);
    }

    /** The event's JSON; the bridge stores only text messages, and this never reads any other body. */
    private static String textOf(Message message) throws Refused {
        if (message instanceof JmsMessage jms && !(jms.getJmsMessage() instanceof TextMessage)) {
            throw new Refused("not a text message");
        }
        String json = message.getBody(String.class);
        if (json == null) {
            throw new Refused("no body");
        }
        return json;
    }

    /** The event's idempotency key: the broker's duplicate id, or where it moves once dead-lettered. */
    static String idempotencyKeyOf(Function<String, Object> property) {
        Object key = property.apply(EventProperties.DUPLICATE_ID);
        if (key == null) {
            key = property.apply(IDEMPOTENCY_PROPERTY);
        }
        return key == null ? null : key.toString();
    }

    /**
     * What the logs name an event by: the key holds user ids, referral refs and opt-in tokens, so
     * the log gets the first 12 hex digits of its SHA-256, which find the event on the queue
     * (hash its {@value #IDEMPOTENCY_PROPERTY}) without naming anyone.
     */
    static String referenceOf(String idempotencyKey) {
        if (idempotencyKey == null) {
            return "-";
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(idempotencyKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
