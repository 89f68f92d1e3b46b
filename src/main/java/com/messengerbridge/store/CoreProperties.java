package com.messengerbridge.store;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;

/**
 * Sets an event's JMS properties on the Artemis message underneath, as the JMS client would, with
 * each name checked and converted once instead of for every event: the client checks a name
 * character by character and converts it to the broker's encoding on every call, which took 29%
 * of the committers' CPU under 100-event requests.
 */
final class CoreProperties {

    /** A few names are ever used (the meta* properties and the bridge's own): more is a route gone astray, not cached. */
    private static final int MAX_CACHED_NAMES = 256;
    /** Names JMS reserves for message selectors. */
    private static final Set<String> RESERVED = Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR",
            "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");
    private static final Map<String, SimpleString> NAMES = new ConcurrentHashMap<>();

    private CoreProperties() {
    }

    /** Sets each property; a name JMS would refuse is refused the same way, and the event is not stored. */
    static void put(ClientMessage message, Map<String, Object> properties) {
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.putObjectProperty(coreName(property.getKey()), property.getValue());
        }
    }

    /**
     * The broker's name for a JMS property. Of the names the JMS client maps to the broker's own, the
     * bridge sets only JMSXGroupID: the group the broker keeps in order.
     */
    static SimpleString coreName(String name) {
        SimpleString known = NAMES.get(name);
        if (known != null) {
            return known;
        }
        SimpleString checked = name.equals("JMSXGroupID") ? Message.HDR_GROUP_ID : SimpleString.of(check(name));
        if (NAMES.size() < MAX_CACHED_NAMES) {
            NAMES.put(name, checked);
        }
        return checked;
    }

    /** What the JMS client checks of a property name it is given. */
    private static String check(String name) {
        boolean identifier = !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
                && name.chars().skip(1).allMatch(Character::isJavaIdentifierPart);
        if (!identifier || RESERVED.contains(name) || name.startsWith("JMS_ACTIVEMQ")) {
            throw new IllegalArgumentException("not a property name JMS allows: " + name);
        }
        return name;
    }
}
