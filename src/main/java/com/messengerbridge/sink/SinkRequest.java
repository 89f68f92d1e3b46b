package com.messengerbridge.sink;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns a stored event into the exact request its sink receives: the event's JSON as body, and
 * only the documented headers below. Everything else on the message (JMS properties, Camel
 * control headers) is removed first, so nothing can steer the request.
 */
public final class SinkRequest implements Processor {

    /** Exchange property set by the sink route: the type of the sink being delivered to. */
    public static final String SINK_TYPE = "sinkType";
    public static final String SIGNATURE_HEADER = "X-Bridge-Signature-256";
    /** Where a dead-lettered or redriven event keeps its de-duplication id (the broker's is removed). */
    public static final String IDEMPOTENCY_PROPERTY = "sinkIdempotencyKey";
    /** Exchange property: the event's id, for the delivery log line (the response replaces the headers). */
    /** Exchange property: the event's reference in the logs, a hash of its key (see {@link #referenceOf}). */
    public static final String EVENT_REF = "sinkEventRef";

    /** Outgoing header -> JMS property it is taken from. */
    private static final Map<String, String> HEADERS = Map.of(
            "X-Meta-Object", "metaObject",
            "X-Meta-Field", "metaField",
            "X-Meta-Page", "metaEntryId",
            "X-Meta-Mid", "metaMid",
            "X-Meta-Standby", "metaStandby");

    private final HttpSinks sinks;

    public SinkRequest(HttpSinks sinks) {
        this.sinks = sinks;
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        String idempotencyKey = message.getHeader("_AMQ_DUPL_ID", String.class);
        if (idempotencyKey == null) {
            idempotencyKey = message.getHeader(IDEMPOTENCY_PROPERTY, String.class);
        }
        Map<String, Object> kept = new java.util.HashMap<>();
        HEADERS.forEach((header, property) -> {
            Object value = message.getHeader(property);
            if (value != null) {
                kept.put(header, value.toString());
            }
        });
        byte[] body = message.getMandatoryBody(String.class).getBytes(StandardCharsets.UTF_8);

        message.getHeaders().clear();
        message.getHeaders().putAll(kept);
        if (idempotencyKey != null) {
            message.setHeader("Idempotency-Key", idempotencyKey);
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        sinks.signerOf(exchange.getProperty(SINK_TYPE, String.class))
                .ifPresent(signer -> message.setHeader(SIGNATURE_HEADER, signer.signatureOf(body)));
        message.setBody(body);
        exchange.setProperty(EVENT_REF, referenceOf(idempotencyKey));
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
