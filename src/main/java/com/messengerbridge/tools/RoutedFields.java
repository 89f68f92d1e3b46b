package com.messengerbridge.tools;

import com.messengerbridge.EventProperties;
import com.messengerbridge.routes.RoutingTable;
import com.messengerbridge.webhook.EventClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The webhook fields the routing table queues: what a Page should be subscribed to. Each field a
 * messaging item can be, and {@code standby}, is put to the table as Camel evaluates it; a field
 * whose events land on a queue of their own (not {@code none}, not {@code unrouted}) is routed. Read
 * from the YAML users edit, so the two never drift apart, however a line is worded.
 */
public final class RoutedFields {

    public static final Path DEFAULT_TABLE = Path.of("routes/event-routing.camel.yaml");

    private RoutedFields() {
    }

    public static Set<String> of(Path routingTable) throws IOException {
        return RoutingTable.read(routingTable, table -> {
            Set<String> fields = new TreeSet<>();
            for (String field : EventClassifier.MESSAGING_FIELDS) {
                if (queued(table.queueOf(Map.of(EventProperties.FIELD, field, EventProperties.STANDBY, false,
                        EventProperties.CONTAINER, "messaging"), Map.of(EventProperties.OWN_ECHO, false)))) {
                    fields.add(field);
                }
            }
            if (queued(table.queueOf(Map.of(EventProperties.FIELD, "messages", EventProperties.STANDBY, true,
                    EventProperties.CONTAINER, "standby"), Map.of(EventProperties.OWN_ECHO, false)))) {
                fields.add("standby");
            }
            return fields;
        });
    }

    private static boolean queued(String queue) {
        return queue != null && !queue.equals(RoutingTable.NONE) && !queue.equals(RoutingTable.UNROUTED);
    }
}
