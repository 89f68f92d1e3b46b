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
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * Meta's envelope {@code {object, entry[]}}, read in the receive route's steps: Jackson unmarshals
 * the verified body with {@link #objectMapper()}; {@link #readEnvelope} checks the whole envelope and
 * leaves its events as the body, for the route to split: every item of each entry's
 * {@code messaging[]}, {@code standby[]} and {@code changes[]}, and of any other array, in the order
 * Meta sent them. Anything that is not such an envelope is refused as a whole before the first event
 * is handed to the store, so a request is stored completely or not at all.
 */
public final class WebhookEnvelopeReader {

    /** How many events the delivery holds: none is still a delivery to acknowledge. */
    public static final String EVENT_COUNT = "eventCount";
    /** Meta's payloads nest about ten levels; far deeper is an attack on the parser. */
    static final int MAX_NESTING_DEPTH = 100;
    /** Meta batches up to 1,000 events; ten times that is no delivery of Meta's, and would hold the broker. */
    static final int MAX_EVENTS = 10_000;

    private final Set<String> objects;

    public WebhookEnvelopeReader(Set<String> objects) {
        this.objects = Set.copyOf(objects);
    }

    /** The route's JSON reader ({@code webhookObjectMapper}): bounded nesting, one document per body. */
    public static ObjectMapper objectMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Meta always posts {@code application/json}; anything else is not a webhook delivery. */
    public void requireJson(@Header("Content-Type") String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new WebhookRejectedException(415, "unsupported media type", "Content-Type is not application/json");
        }
    }

    /** What the route answers when Jackson could not read the body: a malformed delivery, 400. */
    public WebhookRejectedException notJson(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        return WebhookRejectedException.badRequest("body is not JSON ("
                + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")");
    }

    /**
     * Checks the whole envelope, every entry and item included, notes its number of events
     * ({@link #EVENT_COUNT}, 0 for {@code "entry": []} or entries without items), and returns the
     * events of all its entries, in order, for the route to split. One split over the events, not one
     * over the entries and another in each: the second cost a sub-exchange, a bean call and a splitter
     * for every entry, and Meta sends most events one to an entry.
     */
    public List<WebhookEvent> readEnvelope(JsonNode envelope, Exchange exchange) {
        Envelope checked = check(envelope);
        exchange.setProperty(EVENT_COUNT, checked.events());
        return eventsOf(checked);
    }

    /** A checked envelope: its object, its entries, and how many events they hold. */
    record Envelope(String object, JsonNode entries, int events) {
    }

    Envelope check(JsonNode envelope) {
        String object = objectOf(envelope);
        JsonNode entries = envelope.get("entry");
        if (entries == null || !entries.isArray()) {
            throw WebhookRejectedException.badRequest("envelope has no \"entry\" array");
        }
        int events = 0;
        for (JsonNode entry : entries) {
            events += countEvents(entry, MAX_EVENTS - events);
        }
        return new Envelope(object, entries, events);
    }

    /** The events of all the checked envelope's entries, in Meta's order. */
    private static List<WebhookEvent> eventsOf(Envelope checked) {
        List<WebhookEvent> events = new ArrayList<>(checked.events());
        checked.entries().forEach(entry -> addEvents(checked.object(), entry, events));
        return events;
    }

    /**
     * The events of one checked entry: each item of each array, in the entry's order; an array under
     * a key the bridge does not know is taken item by item too, to be parked, never dropped.
     */
    private static void addEvents(String object, JsonNode entry, List<WebhookEvent> events) {
        String id = entry.path("id").asText();
        JsonNode time = entry.get("time");
        Long entryTime = time != null && time.isIntegralNumber() ? time.asLong() : null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = entry.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isArray()) {
                for (JsonNode item : field.getValue()) {
                    events.add(new WebhookEvent(object, id, entryTime, field.getKey(), item));
                }
            }
        }
    }

    /** The route's steps in one call, on the raw bytes: for tests. */
    List<WebhookEvent> read(byte[] body) {
        JsonNode envelope;
        try {
            envelope = body.length == 0 ? null : objectMapper().readTree(body);
        } catch (IOException failure) {
            throw notJson(failure);
        }
        return eventsOf(check(envelope));
    }

    private String objectOf(JsonNode envelope) {
        if (envelope == null || envelope.isMissingNode()) {
            throw WebhookRejectedException.badRequest("empty body");
        }
        if (!envelope.isObject()) {
            throw WebhookRejectedException.badRequest("body is not a JSON object");
        }
        JsonNode object = envelope.get("object");
        if (object == null || !object.isTextual()) {
            throw WebhookRejectedException.badRequest("envelope has no \"object\" string");
        }
        if (!objects.contains(object.asText())) {
            throw new WebhookRejectedException(404, "not found", "object is not one of " + objects);
        }
        return object.asText();
    }

    /**
     * The items of one entry, counted and checked: the known arrays must hold objects, an entry with
     * items needs an id, and the delivery may hold {@code room} more events at most.
     */
    private static int countEvents(JsonNode entry, int room) {
        if (!entry.isObject()) {
            throw WebhookRejectedException.badRequest("an entry is not a JSON object");
        }
        JsonNode id = entry.get("id");
        int events = 0;
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
                if (events == room) {
                    throw new WebhookRejectedException(413, "payload too large",
                            "a delivery holds more than " + MAX_EVENTS + " events");
                }
                if (container != WebhookEvent.Container.OTHER && !item.isObject()) {
                    throw WebhookRejectedException.badRequest("an item of " + field.getKey() + " is not a JSON object");
                }
                events++;
            }
        }
        return events;
    }
}
