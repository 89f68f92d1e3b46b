package com.messengerbridge.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One item of an entry's {@code messaging[]}, {@code standby[]} or {@code changes[]}, or of an array
 * under an entry key the bridge does not know, with what its envelope says about it.
 *
 * @param containerKey the entry key of the array that held the item
 * @param item         the item: a JSON object, except in an array the bridge does not know
 * @param json         the item's JSON as Meta sent it; null when not read from a body
 */
public record WebhookEvent(String object, String entryId, Long entryTime, String containerKey, JsonNode item,
        String json) {

    public WebhookEvent(String object, String entryId, Long entryTime, Container container, ObjectNode item) {
        this(object, entryId, entryTime, container.key(), item, null);
    }

    /** The kind of array that held the item. */
    public Container container() {
        return Container.of(containerKey);
    }

    /** The arrays of an entry the bridge knows; {@code OTHER} for any other array, whose items are parked as unrouted. */
    public enum Container {
        MESSAGING("messaging"), STANDBY("standby"), CHANGES("changes"), OTHER(null);

        private final String key;

        Container(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** values() copies its array at each call, and each event asks several times. */
        private static final Container[] ALL = values();

        static Container of(String key) {
            for (Container container : ALL) {
                if (key.equals(container.key)) {
                    return container;
                }
            }
            return OTHER;
        }
    }
}
