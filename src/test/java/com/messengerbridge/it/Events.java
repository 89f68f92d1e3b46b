package com.messengerbridge.it;

import java.util.UUID;

/** Webhook bodies built in the tests, compact like Meta's, with ids no other test uses. */
final class Events {

    static final String PAGE_ID = "104851209876543";
    static final String IG_ACCOUNT_ID = "17841400000000123";

    private Events() {
    }

    static String uniqueMid() {
        return "m_IT" + UUID.randomUUID().toString().replace("-", "");
    }

    /** One {@code messaging[]} item: a user's text message to the page. */
    static String message(String userId, String mid, long timestamp, String text) {
        return "{\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + PAGE_ID + "\"},\"timestamp\":"
                + timestamp + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\"}}";
    }

    /** An echo of a message the page sent through the app {@code appId}. */
    static String echo(String userId, String mid, long timestamp, String appId) {
        return "{\"sender\":{\"id\":\"" + PAGE_ID + "\"},\"recipient\":{\"id\":\"" + userId + "\"},\"timestamp\":"
                + timestamp + ",\"message\":{\"is_echo\":true,\"app_id\":" + appId + ",\"mid\":\"" + mid
                + "\",\"text\":\"reply\"}}";
    }

    /** A user's read receipt. */
    static String read(String userId, long timestamp, long watermark) {
        return "{\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + PAGE_ID + "\"},\"timestamp\":"
                + timestamp + ",\"read\":{\"watermark\":" + watermark + "}}";
    }

    /** A delivery receipt for one message the page sent. */
    static String delivery(String userId, String mid, long watermark) {
        return "{\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + PAGE_ID + "\"},\"timestamp\":"
                + watermark + ",\"delivery\":{\"mids\":[\"" + mid + "\"],\"watermark\":" + watermark + "}}";
    }

    /** A user's tap on a postback button. */
    static String postback(String userId, String mid, long timestamp, String payload) {
        return "{\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + PAGE_ID + "\"},\"timestamp\":"
                + timestamp + ",\"postback\":{\"mid\":\"" + mid + "\",\"title\":\"Start\",\"payload\":\""
                + payload + "\"}}";
    }

    /** An envelope with one entry per item, as Meta batches several events. */
    static String page(String... items) {
        return envelope("page", PAGE_ID, "messaging", items);
    }

    static String envelope(String object, String entryId, String container, String... items) {
        StringBuilder body = new StringBuilder("{\"object\":\"" + object + "\",\"entry\":[");
        for (int i = 0; i < items.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(entryId).append("\",\"time\":")
                    .append(1718035201150L + i).append(",\"").append(container).append("\":[").append(items[i])
                    .append("]}");
        }
        return body.append("]}").toString();
    }
}
