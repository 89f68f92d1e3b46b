package com.messengerbridge.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The webhook fields the routing table queues: a line {@code ${header.metaField} == 'x'} whose
 * queue is not {@code none}, and {@code standby} unless its line says none. These are what a
 * Page should be subscribed to; read from the YAML users edit, so the two never drift apart.
 */
public final class RoutedFields {

    public static final Path DEFAULT_TABLE = Path.of("routes/event-routing.camel.yaml");
    private static final Pattern FIELD_TEST = Pattern.compile("\\$\\{header\\.metaField}\\s*==\\s*'([a-z_]+)'");
    private static final Pattern STANDBY_TEST = Pattern.compile("\\$\\{header\\.metaStandby}");

    private RoutedFields() {
    }

    public static Set<String> of(Path routingTable) throws IOException {
        Set<String> fields = new TreeSet<>();
        try (Reader reader = Files.newBufferedReader(routingTable)) {
            for (Object document : new Load(LoadSettings.builder().build()).loadAllFromReader(reader)) {
                collect(document, fields);
            }
        }
        return fields;
    }

    /** Walks the YAML for every {@code when} entry: its test and the queue its steps set. */
    private static void collect(Object node, Set<String> fields) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("simple") instanceof String test && map.get("steps") instanceof List<?> steps) {
                String queue = queueSetBy(steps);
                if (queue != null && !queue.equals("none")) {
                    Matcher field = FIELD_TEST.matcher(test);
                    if (field.find()) {
                        fields.add(field.group(1));
                    } else if (STANDBY_TEST.matcher(test).find()) {
                        fields.add("standby");
                    }
                }
            }
            map.values().forEach(value -> collect(value, fields));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, fields));
        }
    }

    private static String queueSetBy(List<?> steps) {
        for (Object step : steps) {
            if (step instanceof Map<?, ?> map && map.get("setProperty") instanceof Map<?, ?> set
                    && "queue".equals(set.get("name"))) {
                Object constant = set.get("constant");
                return constant == null ? "dynamic" : constant.toString();
            }
        }
        return null;
    }
}
