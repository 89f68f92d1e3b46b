package com.messengerbridge.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One item of an entry's {@code messaging[]}, {@code standby[]} or {@code changes[]}, with what its
 * envelope says about it.
 */
public record WebhookEvent(String object, String entryId, Long entryTime, Container container, ObjectNode item) {

    /** The array of an entry that held the item. */
    public enum Container {
        MESSAGING("messaging"), STANDBY("standby"), CHANGES("changes");

        private final String key;

        Container(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
