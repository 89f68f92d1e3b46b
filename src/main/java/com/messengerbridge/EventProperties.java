package com.messengerbridge;

import org.apache.activemq.artemis.api.core.Message;

/**
 * The names an event carries, defined once: the classifier sets them, the routes and every bean
 * read them. On the broker they are the JMS properties of docs/queues-and-messages.md.
 */
public final class EventProperties {

    public static final String OBJECT = "metaObject";
    public static final String ENTRY_ID = "metaEntryId";
    public static final String ENTRY_TIME = "metaEntryTime";
    public static final String FIELD = "metaField";
    public static final String CONTAINER = "metaContainer";
    public static final String SENDER_ID = "metaSenderId";
    public static final String RECIPIENT_ID = "metaRecipientId";
    public static final String TIMESTAMP = "metaTimestamp";
    public static final String MID = "metaMid";
    public static final String STANDBY = "metaStandby";
    /** Artemis's duplicate detection: a second message with the same id on an address is dropped. */
    public static final String DUPLICATE_ID = Message.HDR_DUPLICATE_DETECTION_ID.toString();
    /** JMS message groups: one consumer at a time per conversation, so it is handled in order. */
    public static final String GROUP_ID = "JMSXGroupID";

    /** Exchange property: the queue prefix of the event's object, for the routing table. */
    public static final String QUEUE_PREFIX = "queuePrefix";
    /** Exchange property: the type sinks are chosen by: the field, or {@code standby} for standby items. */
    public static final String EVENT_TYPE = "eventType";
    /** Exchange property: true for an echo of a message this bridge's own app sent (the echo guard). */
    public static final String OWN_ECHO = "ownEcho";
    /** W3C trace context of the webhook POST, when tracing is on: a consumer continues the trace from it. */
    public static final String TRACEPARENT = "traceparent";
    /** Exchange property of the sink routes: the sink's event type. */
    public static final String SINK_TYPE = "sinkType";

    private EventProperties() {
    }
}
