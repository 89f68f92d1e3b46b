package com.messengerbridge.webhook;

import static com.messengerbridge.EventProperties.CONTAINER;
import static com.messengerbridge.EventProperties.DUPLICATE_ID;
import static com.messengerbridge.EventProperties.ENTRY_ID;
import static com.messengerbridge.EventProperties.ENTRY_TIME;
import static com.messengerbridge.EventProperties.EVENT_TYPE;
import static com.messengerbridge.EventProperties.FIELD;
import static com.messengerbridge.EventProperties.GROUP_ID;
import static com.messengerbridge.EventProperties.MID;
import static com.messengerbridge.EventProperties.OBJECT;
import static com.messengerbridge.EventProperties.OWN_ECHO;
import static com.messengerbridge.EventProperties.QUEUE_PREFIX;
import static com.messengerbridge.EventProperties.RECIPIENT_ID;
import static com.messengerbridge.EventProperties.SENDER_ID;
import static com.messengerbridge.EventProperties.STANDBY;
import static com.messengerbridge.EventProperties.TIMESTAMP;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Tells what one webhook item is: its webhook field (from the key it holds; see
 * docs/queues-and-messages.md), the conversation it belongs to, and the key that identifies it
 * when Meta sends it again. As a processor it turns a {@link WebhookEvent} into the message the
 * routes store: the item's JSON as body, and only the {@code meta*}, group and de-duplication
 * headers of {@link com.messengerbridge.EventProperties}.
 */
public final class EventClassifier implements Processor {

    static final String UNROUTED = "unrouted";

    /** Item keys in the order they are tried: an item with several (referral and lead) takes the first. */
    private static final Map<String, String> FIELD_BY_KEY = orderedFieldTable();
    /** Every webhook field a messaging item can be: what a Page may be subscribed to for {@code messaging[]}. */
    public static final Set<String> MESSAGING_FIELDS = messagingFields();
    private static final Set<String> ENVELOPE_KEYS = Set.of("sender", "recipient", "timestamp");
    /** A change field or unknown key becomes a queue name or a property: keep it to plain names. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Map<String, String> queuePrefixByObject;
    private final Set<String> ownAppIds;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param ownAppIds app ids whose echoes the routes may keep from consumers: a bot that reads
     *                  its own sends back as events talks to itself
     */
    public EventClassifier(Map<String, String> queuePrefixByObject, Set<String> ownAppIds) {
        this.queuePrefixByObject = Map.copyOf(queuePrefixByObject);
        this.ownAppIds = Set.copyOf(ownAppIds);
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        WebhookEvent event = exchange.getMessage().getMandatoryBody(WebhookEvent.class);
        String json = jsonOf(event);
        EventDescription description = describe(event, json);
        Message message = exchange.getMessage();
        message.setHeader(OBJECT, event.object());
        message.setHeader(ENTRY_ID, event.entryId());
        setIfPresent(message, ENTRY_TIME, event.entryTime());
        message.setHeader(FIELD, description.field());
        message.setHeader(CONTAINER, plainName(event.containerKey(), UNROUTED));
        message.setHeader(STANDBY, event.container() == WebhookEvent.Container.STANDBY);
        setIfPresent(message, SENDER_ID, description.senderId());
        setIfPresent(message, RECIPIENT_ID, description.recipientId());
        setIfPresent(message, TIMESTAMP, description.timestamp());
        setIfPresent(message, MID, description.mid());
        message.setHeader(GROUP_ID, description.groupId());
        message.setHeader(DUPLICATE_ID, description.deduplicationId());
        exchange.setProperty(QUEUE_PREFIX, queuePrefixByObject.get(event.object()));
        exchange.setProperty(EVENT_TYPE, event.container() == WebhookEvent.Container.STANDBY ? "standby" : description.field());
        exchange.setProperty(OWN_ECHO, description.field().equals("message_echoes")
                && ownAppIds.contains(String.valueOf(text(event.item(), "message", "app_id"))));
        message.setBody(json);
    }

    public EventDescription describe(WebhookEvent event) {
        return describe(event, jsonOf(event));
    }

    private EventDescription describe(WebhookEvent event, String json) {
        if (event.container() == WebhookEvent.Container.OTHER) {
            // an array the bridge does not know: parked whatever its items look like
            return new EventDescription(UNROUTED, null, null, null, null,
                    event.object() + ":" + UNROUTED + ":" + sha256(json), event.entryId());
        }
        ObjectNode item = (ObjectNode) event.item();
        if (event.container() == WebhookEvent.Container.CHANGES) {
            String field = plainName(text(item, "field"), UNROUTED);
            return new EventDescription(field, null, null, null, null,
                    event.object() + ":" + field + ":" + sha256(json), event.entryId());
        }
        String key = eventKey(item);
        String field = key == null ? UNROUTED : fieldOf(key, item);
        String sender = text(item, "sender", "id");
        String recipient = text(item, "recipient", "id");
        Long timestamp = item.path("timestamp").isIntegralNumber() ? item.get("timestamp").asLong() : null;
        String mid = key == null ? null : text(item, key, "mid");
        List<String> identity = key == null ? null : identity(event.object(), key, field, item);
        String deduplicationId = event.object() + ":" + field + ":"
                + (identity == null ? sha256(json) : String.join(":", identity));
        return new EventDescription(field, sender, recipient, timestamp, mid, deduplicationId,
                groupId(event.entryId(), sender, recipient, item));
    }

    /** The first known event key of the item, else its first key that is not sender, recipient or timestamp. */
    static String eventKey(ObjectNode item) {
        for (String key : FIELD_BY_KEY.keySet()) {
            if (item.has(key)) {
                return key;
            }
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE_KEYS.contains(name)) {
                return name;
            }
        }
        return null;
    }

    private static String fieldOf(String key, ObjectNode item) {
        if (key.equals("message") && item.path("message").path("is_echo").asBoolean(false)) {
            return "message_echoes";
        }
        String field = FIELD_BY_KEY.get(key);
        // an unknown key keeps its own name, so one routing line in YAML can give it a queue
        return field != null ? field : plainName(key, UNROUTED);
    }

    /**
     * The parts that identify an event across Meta's retries. Where the event's own id is not
     * unique by itself the timestamp is added: a retry repeats it, a new event does not.
     * Null when the key is unknown, so the item's content identifies it.
     */
    private static List<String> identity(String object, String key, String field, ObjectNode item) {
        JsonNode event = item.path(key);
        String sender = text(item, "sender", "id");
        String recipient = text(item, "recipient", "id");
        String timestamp = text(item, "timestamp");
        return switch (field) {
            case "messages", "message_echoes" -> event.path("is_deleted").asBoolean(false)
                    ? parts(text(event, "mid"), "deleted")
                    : parts(text(event, "mid"));
            case "message_deliveries" -> parts(sender, text(event, "watermark"));
            case "message_reads" -> object.equals("instagram") && event.has("mid")
                    ? parts(text(event, "mid"))
                    : parts(sender, text(event, "watermark"));
            case "messaging_postbacks" -> event.has("mid")
                    ? parts(text(event, "mid"))
                    : parts(sender, timestamp, text(event, "payload"));
            case "messaging_optins" -> optinIdentity(event, sender, timestamp);
            case "messaging_referrals" -> parts(sender, timestamp, text(event, "ref"));
            case "messaging_account_linking" -> parts(sender, timestamp, text(event, "status"));
            case "messaging_game_plays" -> parts(text(event, "player_id"), timestamp);
            case "messaging_handovers" -> parts(sender != null ? sender : recipient, timestamp, key);
            case "messaging_payments" -> event.path("payment_credential").has("fb_payment_id")
                    ? parts(text(event, "payment_credential", "fb_payment_id"))
                    : null;
            case "messaging_policy_enforcement" -> parts(recipient, timestamp, text(event, "action"));
            case "message_reactions" -> parts(sender, text(event, "mid"), text(event, "action"),
                    text(event, "reaction"), timestamp);
            case "message_edits" -> parts(text(event, "mid"), text(event, "num_edit"));
            case "messaging_feedback" -> parts(sender, questionIds(event), timestamp);
            case "response_feedback" -> parts(sender, text(event, "mid"));
            case "messaging_checkout_updates", "messaging_pre_checkouts", "send_cart" -> parts(sender, timestamp);
            default -> null;
        };
    }

    /** Subscribe and stop arrive with the same token: the timestamp tells them apart. */
    private static List<String> optinIdentity(JsonNode optin, String sender, String timestamp) {
        String token = text(optin, "notification_messages_token");
        if (token == null) {
            token = text(optin, "one_time_notif_token");
        }
        if (token != null) {
            return parts(token, timestamp);
        }
        return parts(sender != null ? sender : text(optin, "user_ref"), timestamp);
    }

    private static String questionIds(JsonNode feedback) {
        List<String> ids = new ArrayList<>();
        for (JsonNode screen : feedback.path("feedback_screens")) {
            screen.path("questions").fieldNames().forEachRemaining(ids::add);
        }
        return String.join(",", ids);
    }

    /** Page (or Instagram account) and the user on the other side, however the item is addressed. */
    private static String groupId(String entryId, String sender, String recipient, ObjectNode item) {
        String user;
        if (sender != null && !sender.equals(entryId)) {
            user = sender;
        } else if (recipient != null && !recipient.equals(entryId)) {
            user = recipient;
        } else {
            user = text(item, "optin", "user_ref");
        }
        return user == null ? entryId : entryId + ":" + user;
    }

    private static List<String> parts(String... values) {
        List<String> parts = new ArrayList<>(values.length);
        for (String value : values) {
            parts.add(value == null ? "-" : value);
        }
        return parts;
    }

    private static String text(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            current = current.path(step);
        }
        return current.isValueNode() && !current.isNull() ? current.asText() : null;
    }

    private static String plainName(String name, String fallback) {
        return name != null && PLAIN_NAME.matcher(name).matches() ? name : fallback;
    }

    private static void setIfPresent(Message message, String header, Object value) {
        if (value != null) {
            message.setHeader(header, value);
        }
    }

    /** The item's JSON as Meta sent it, written from its tree only where the body's bytes are not at hand. */
    private String jsonOf(WebhookEvent event) {
        if (event.json() != null) {
            return event.json();
        }
        try {
            return mapper.writeValueAsString(event.item());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a parsed JSON tree always serializes", impossible);
        }
    }

    private static String sha256(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", impossible);
        }
    }

    private static Set<String> messagingFields() {
        Set<String> fields = new java.util.TreeSet<>(FIELD_BY_KEY.values());
        fields.add("message_echoes"); // a message with is_echo
        return java.util.Collections.unmodifiableSet(fields);
    }

    private static Map<String, String> orderedFieldTable() {
        var table = new java.util.LinkedHashMap<String, String>();
        table.put("message", "messages");
        table.put("message_edit", "message_edits");
        table.put("reaction", "message_reactions");
        table.put("delivery", "message_deliveries");
        table.put("read", "message_reads");
        table.put("postback", "messaging_postbacks");
        table.put("optin", "messaging_optins");
        table.put("referral", "messaging_referrals");
        table.put("account_linking", "messaging_account_linking");
        table.put("checkout_update", "messaging_checkout_updates");
        table.put("game_play", "messaging_game_plays");
        table.put("pass_thread_control", "messaging_handovers");
        table.put("take_thread_control", "messaging_handovers");
        table.put("request_thread_control", "messaging_handovers");
        table.put("app_roles", "messaging_handovers");
        table.put("payment", "messaging_payments");
        table.put("policy_enforcement", "messaging_policy_enforcement");
        table.put("policy-enforcement", "messaging_policy_enforcement");
        table.put("pre_checkout", "messaging_pre_checkouts");
        table.put("messaging_feedback", "messaging_feedback");
        table.put("response_feedback", "response_feedback");
        table.put("order", "send_cart");
        return java.util.Collections.unmodifiableMap(table);
    }

    /** What {@link #describe} found; null where the item has no such part. */
    public record EventDescription(String field, String senderId, String recipientId, Long timestamp, String mid,
            String deduplicationId, String groupId) {
    }
}
