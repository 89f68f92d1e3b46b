package com.messengerbridge.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Reads a verified request body as Meta's envelope {@code {object, entry[]}} and flattens every
 * entry's {@code messaging[]}, {@code standby[]} and {@code changes[]}, and any other array of an
 * entry, into one list of events, in the order Meta sent them. Anything that is not such an
 * envelope is refused as a whole, so a request is stored completely or not at all.
 */
public final class WebhookEnvelopeReader {

    /** Meta's payloads nest about ten levels; far deeper is an attack on the parser. */
    static final int MAX_NESTING_DEPTH = 100;
    /** Meta batches up to 1,000 events; ten times that is no delivery of Meta's, and would hold the broker. */
    static final int MAX_EVENTS = 10_000;

    private final ObjectMapper mapper;
    private final Set<String> objects;

    public WebhookEnvelopeReader(Set<String> objects) {
        this.objects = Set.copyOf(objects);
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Meta always posts {@code application/json}; anything else is not a webhook delivery. */
    public void requireJson(@Header("Content-Type") String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new WebhookRejectedException(415, "unsupported media type", "Content-Type is not application/json");
        }
    }

    /**
     * The events of a delivery, in the order Meta sent them; none when it holds nothing to store
     * ({@code "entry": []}, entries without items), which is still a delivery to acknowledge.
     */
    public List<WebhookEvent> read(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw WebhookRejectedException.badRequest("body is not a JSON object");
        }
        JsonNode object = root.get("object");
        if (object == null || !object.isTextual()) {
            throw WebhookRejectedException.badRequest("envelope has no \"object\" string");
        }
        if (!objects.contains(object.asText())) {
            throw new WebhookRejectedException(404, "not found", "object is not one of " + objects);
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            throw WebhookRejectedException.badRequest("envelope has no \"entry\" array");
        }
        List<WebhookEvent> events = new ArrayList<>();
        for (JsonNode entry : entries) {
            readEntry(object.asText(), entry, events);
        }
        return events;
    }

    /**
     * Whether the delivery read holds no event: the receive route's filter {@code holdsNoEvents}, a
     * predicate rather than {@code ${body.isEmpty()}}, whose method call simple makes by reflection.
     */
    public static boolean holdsNoEvents(Exchange delivery) {
        List<?> events = delivery.getMessage().getBody(List.class);
        return events == null || events.isEmpty();
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw WebhookRejectedException.badRequest("empty body");
        }
        try {
            return mapper.readTree(body);
        } catch (IOException notJson) {
            throw WebhookRejectedException.badRequest("body is not JSON (" + notJson.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Every array of the entry, in the entry's order: the known ones must hold objects; an array
     * under a key the bridge does not know is taken item by item too, to be parked, never dropped.
     */
    private static void readEntry(String object, JsonNode entry, List<WebhookEvent> events) {
        if (!entry.isObject()) {
            throw WebhookRejectedException.badRequest("an entry is not a JSON object");
        }
        JsonNode id = entry.get("id");
        JsonNode time = entry.get("time");
        Long entryTime = time != null && time.isIntegralNumber() ? time.asLong() : null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = entry.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            WebhookEvent.Container container = WebhookEvent.Container.of(field.getKey());
            JsonNode items = field.getValue();
            if (!items.isArray()) {
                if (container != WebhookEvent.Container.OTHER) {
                    throw WebhookRejectedException.badRequest(field.getKey() + " is not an array");
                }
                continue; // id, time and whatever else Meta adds beside the arrays
            }
            if (!items.isEmpty() && (id == null || !(id.isTextual() || id.isIntegralNumber()))) {
                throw WebhookRejectedException.badRequest("an entry with items has no id");
            }
            for (JsonNode item : items) {
                if (events.size() == MAX_EVENTS) {
                    throw new WebhookRejectedException(413, "payload too large",
                            "a delivery holds more than " + MAX_EVENTS + " events");
                }
                if (container != WebhookEvent.Container.OTHER && !item.isObject()) {
                    throw WebhookRejectedException.badRequest("an item of " + field.getKey() + " is not a JSON object");
                }
                events.add(new WebhookEvent(object, id.asText(), entryTime, field.getKey(), item));
            }
        }
    }
}
