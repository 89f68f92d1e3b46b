package com.messengerbridge.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Meta's envelope {@code {object, entry[]}}, read in the receive route's steps: {@link #readEnvelope}
 * reads the verified bytes, checks the whole envelope and leaves its events as the body, for the
 * route to split: every item of each entry's
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

    /** The parser refuses deeper nesting itself, before it can exhaust the stack. */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build());

    private final Set<String> objects;

    public WebhookEnvelopeReader(Set<String> objects) {
        this.objects = Set.copyOf(objects);
    }

    /** Meta always posts {@code application/json}; anything else is not a webhook delivery. */
    public void requireJson(@Header("Content-Type") String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new WebhookRejectedException(415, "unsupported media type", "Content-Type is not application/json");
        }
    }

    /**
     * Reads the verified body as JSON (not JSON: 400), checks the whole envelope, every entry and
     * item included, notes its number of events ({@link #EVENT_COUNT}, 0 for {@code "entry": []} or
     * entries without items), and returns the events of all its entries, in order, for the route to
     * split. Each event keeps its item's bytes as Meta sent them: what is stored is what Meta signed,
     * and writing each item's tree out again took a tenth of the route's CPU.
     */
    public List<WebhookEvent> readEnvelope(byte[] body, Exchange exchange) {
        Envelope checked = check(body);
        exchange.setProperty(EVENT_COUNT, checked.events());
        return eventsOf(checked);
    }

    /**
     * A checked envelope: its object, its entries, how many events they hold, and the JSON of each
     * item that is an object, as Meta sent it.
     */
    record Envelope(String object, JsonNode entries, int events, Map<JsonNode, String> itemJson) {
    }

    Envelope check(byte[] body) {
        ItemLocator located = new ItemLocator(body);
        JsonNode envelope = located.parse();
        String object = objectOf(envelope);
        JsonNode entries = envelope.get("entry");
        if (entries == null || !entries.isArray()) {
            throw WebhookRejectedException.badRequest("envelope has no \"entry\" array");
        }
        int events = 0;
        for (JsonNode entry : entries) {
            events += countEvents(entry, MAX_EVENTS - events);
        }
        return new Envelope(object, entries, events, located.itemJson);
    }

    /**
     * Reads one body as a JSON tree. Jackson builds the tree; this walks down to the items of the
     * entries' arrays to note where each begins and ends in the body.
     */
    private static final class ItemLocator {
        private final byte[] body;
        /** The JSON of each item that is an object, as Meta sent it. */
        final Map<JsonNode, String> itemJson = new IdentityHashMap<>();
        private JsonParser parser;

        ItemLocator(byte[] body) {
            this.body = body;
        }

        /** The body's tree, null when empty; a body that is not JSON is a 400. */
        JsonNode parse() {
            try (JsonParser opened = MAPPER.createParser(body)) {
                parser = opened;
                JsonToken first = parser.nextToken();
                if (first == null) {
                    return null;
                }
                JsonNode envelope = first == JsonToken.START_OBJECT
                        ? object(name -> name.equals("entry") ? this::entries : null)
                        : MAPPER.readTree(parser);
                if (parser.nextToken() != null) {
                    throw WebhookRejectedException.badRequest("body is not JSON (content after the envelope)");
                }
                return envelope;
            } catch (IOException failure) {
                // not JSON, or nested far deeper than Meta's payloads
                throw WebhookRejectedException.badRequest("body is not JSON (" + failure.getClass().getSimpleName()
                        + ")");
            }
        }

        /** Reads the array the parser is at. */
        private interface ArrayReader {
            ArrayNode read() throws IOException;
        }

        /** An object's fields: an array that {@code arrays} names a reader for is read by it, the rest as trees. */
        private ObjectNode object(Function<String, ArrayReader> arrays) throws IOException {
            ObjectNode object = MAPPER.createObjectNode();
            for (String name; (name = parser.nextFieldName()) != null; ) {
                boolean array = parser.nextToken() == JsonToken.START_ARRAY;
                ArrayReader reader = array ? arrays.apply(name) : null;
                object.set(name, reader != null ? reader.read() : MAPPER.readTree(parser));
            }
            return object;
        }

        private ArrayNode entries() throws IOException {
            ArrayNode entries = MAPPER.createArrayNode();
            for (JsonToken token; (token = next()) != JsonToken.END_ARRAY; ) {
                entries.add(token == JsonToken.START_OBJECT ? object(name -> this::items) : MAPPER.readTree(parser));
            }
            return entries;
        }

        private ArrayNode items() throws IOException {
            ArrayNode items = MAPPER.createArrayNode();
            for (JsonToken token; (token = next()) != JsonToken.END_ARRAY; ) {
                long start = parser.currentTokenLocation().getByteOffset();
                JsonNode item = MAPPER.readTree(parser);
                long end = parser.currentLocation().getByteOffset();
                if (token == JsonToken.START_OBJECT && body[(int) start] == '{' && body[(int) end - 1] == '}') {
                    itemJson.put(item, new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8));
                }
                items.add(item);
            }
            return items;
        }

        /** The next token inside an array: the end of the body there is not JSON. */
        private JsonToken next() throws IOException {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new JsonEOFException(parser, null, "the body ends inside an array");
            }
            return token;
        }
    }

    /** The events of all the checked envelope's entries, in Meta's order. */
    private static List<WebhookEvent> eventsOf(Envelope checked) {
        List<WebhookEvent> events = new ArrayList<>(checked.events());
        checked.entries().forEach(entry -> addEvents(checked, entry, events));
        return events;
    }

    /**
     * The events of one checked entry: each item of each array, in the entry's order; an array under
     * a key the bridge does not know is taken item by item too, to be parked, never dropped.
     */
    private static void addEvents(Envelope checked, JsonNode entry, List<WebhookEvent> events) {
        String id = entry.path("id").asText();
        JsonNode time = entry.get("time");
        Long entryTime = time != null && time.isIntegralNumber() ? time.asLong() : null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = entry.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isArray()) {
                for (JsonNode item : field.getValue()) {
                    events.add(new WebhookEvent(checked.object(), id, entryTime, field.getKey(), item,
                            checked.itemJson().get(item)));
                }
            }
        }
    }

    /** {@link #readEnvelope} without an exchange: for tests. */
    List<WebhookEvent> read(byte[] body) {
        return eventsOf(check(body));
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
