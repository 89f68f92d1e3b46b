package com.messengerbridge.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.messengerbridge.EventProperties;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest stored events, for the events viewer on the management port: what Meta's guide means
 * by "the payload content should be displayed". It keeps the last few events in memory only, and
 * hands them out with user ids and message texts masked unless the viewer asks to unmask. Off
 * unless a token is configured; every read needs that token.
 */
public final class EventViewer {

    /** One event as the viewer shows it, with what became of it ({@code stored}, {@code duplicate}, {@code not_stored}). */
    public record Shown(long sequence, Instant storedAt, String object, String page, String field, String mid,
            String json, String outcome) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keys whose object holds a person's id. */
    private static final Set<String> PEOPLE = Set.of("sender", "recipient", "from", "user");
    /**
     * The only keys whose text is shown: ids of messages and posts, and the words Meta uses for
     * kinds and actions. Every other text is masked, whatever new field Meta adds: texts, payloads,
     * refs, tokens, names, addresses, contact details, URLs.
     */
    private static final Set<String> SHOWN_TEXT = Set.of("mid", "id", "post_id", "comment_id", "parent_id",
            "media_id", "field", "type", "verb", "item", "action", "reaction", "emoji", "status", "source",
            "product_type", "role", "mode");

    private final BearerToken token;
    private final int capacity;
    private final Deque<Shown> latest = new ArrayDeque<>();
    private long sequence;

    public EventViewer(String token, int capacity) {
        this.token = new BearerToken(token, "events viewer");
        this.capacity = capacity;
    }

    /** Called by the store once it knows what became of an event: committed, a duplicate, or not stored. */
    public synchronized void seen(Map<String, Object> properties, String json, String outcome) {
        latest.addLast(new Shown(++sequence, Instant.now(), text(properties.get(EventProperties.OBJECT)),
                text(properties.get(EventProperties.ENTRY_ID)), text(properties.get(EventProperties.FIELD)),
                text(properties.get(EventProperties.MID)), json, outcome));
        if (latest.size() > capacity) {
            latest.removeFirst();
        }
    }

    /** The events after {@code after}, oldest first, masked unless {@code unmask}. */
    public List<Shown> after(long after, boolean unmask) {
        List<Shown> events;
        synchronized (this) {
            events = latest.stream().filter(event -> event.sequence() > after).toList();
        }
        if (unmask) {
            return events;
        }
        List<Shown> masked = new ArrayList<>(events.size());
        for (Shown event : events) {
            masked.add(new Shown(event.sequence(), event.storedAt(), event.object(), event.page(), event.field(),
                    event.mid(), mask(event.json(), event.page()), event.outcome()));
        }
        return masked;
    }

    public boolean accepts(String presented) {
        return token.accepts(presented);
    }

    /** User ids keep their last 4 digits; texts a person wrote become their length. The Page's own id stays. */
    static String mask(String json, String pageId) {
        try {
            JsonNode tree = JSON.readTree(json);
            maskNode(tree, pageId, false);
            return JSON.writeValueAsString(tree);
        } catch (IOException notJson) {
            return "(not shown)";
        }
    }

    /** Person ids keep their last 4 digits; every text but those of {@link #SHOWN_TEXT} becomes its length. */
    private static void maskNode(JsonNode node, String pageId, boolean person) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                String key = field.getKey();
                if (value.isValueNode() && person && key.equals("id") && !value.asText().equals(pageId)) {
                    field.setValue(new TextNode(maskId(value.asText())));
                } else if (value.isTextual() && !SHOWN_TEXT.contains(key)) {
                    field.setValue(new TextNode("(" + value.asText().length() + " characters, masked)"));
                } else {
                    maskNode(value, pageId, PEOPLE.contains(key));
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode("(" + array.get(i).asText().length() + " characters, masked)"));
                } else {
                    maskNode(array.get(i), pageId, false);
                }
            }
        }
    }

    private static String maskId(String id) {
        return id.length() <= 4 ? "****" : "****" + id.substring(id.length() - 4);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
