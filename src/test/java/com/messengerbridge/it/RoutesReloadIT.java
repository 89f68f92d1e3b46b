package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ROUTES_RELOAD=true under steady signed load: a saved edit of the routing table applies without
 * a restart, a broken one is refused with the previous routes still serving, no request fails and
 * every acknowledged event is stored once.
 */
@Tag(Tiers.FULL)
class RoutesReloadIT {

    private static final String MESSAGES_LINE = "constant: messages }";
    private static final String EDITED_QUEUE = "messages_edited";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void editsApplyUnderLoadAndABrokenEditLeavesThePreviousRoutesServing() throws Exception {
        Path routes = BridgeProcess.copyOfRoutes("reload");
        Path table = routes.resolve("event-routing.camel.yaml");
        String original = Files.readString(table);
        assertThat(original).containsOnlyOnce(MESSAGES_LINE);
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();

        try (BridgeProcess bridge = BridgeProcess.startFresh("reload", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR",
                acceptor, "ROUTES_DIR", routes.toString(), "ROUTES_RELOAD", "true"))) {
            String versionBefore = servingVersion(bridge);
            LoadDriver load = new LoadDriver(new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET), "reload");
            load.start(8);
            try {
                load.awaitMoreAcknowledged(300, WAIT);

                // a good edit: the messages line now queues on another queue, while the load uses it
                Instant saved = Instant.now();
                Files.writeString(table, original.replace(MESSAGES_LINE, "constant: " + EDITED_QUEUE + " }"));
                Metrics.await(bridge.managementPort(), m -> m.value("bridge_routes_reloads_total", "outcome", "applied") == 1);
                System.out.printf("reload: good edit applied %d ms after it was saved%n",
                        Duration.between(saved, Instant.now()).toMillis());
                String versionAfter = servingVersion(bridge);
                assertThat(versionAfter).isNotEqualTo(versionBefore);
                load.awaitMoreAcknowledged(300, WAIT);

                // a broken edit: a bean that does not exist; refused, one line with file and line
                String broken = original.replace(MESSAGES_LINE, "constant: " + EDITED_QUEUE + " }")
                        .replace("ref: bridgeMetrics", "ref: noSuchBean");
                Files.writeString(table, broken);
                Metrics.await(bridge.managementPort(), m -> m.value("bridge_routes_reloads_total", "outcome", "refused") == 1);
                String refusal = bridge.log().lines().filter(line -> line.contains("Routes not reloaded")).findFirst().orElseThrow();
                assertThat(refusal).contains("the previous routes still serve: " + Path.of("").toAbsolutePath().relativize(table) + ":" + (lineOf(broken, "ref: noSuchBean") - 1) + ": ")
                        .contains("noSuchBean");
                assertThat(servingVersion(bridge)).isEqualTo(versionAfter);
                // each check ran a Camel of its own: its start and stop are not the bridge's to log
                assertThat(bridge.log()).doesNotContain("(check-routes)");
                load.awaitMoreAcknowledged(300, WAIT);
            } finally {
                load.stop();
            }

            assertThat(load.statusCounts()).as("every request answered 200 through both edits").isEqualTo("{200=" + load.sent().size() + "}");
            Map<String, Integer> copies = new HashMap<>();
            try (BrokerClient broker = new BrokerClient(acceptor, null, null)) {
                for (String queue : List.of("messenger.messages", "messenger." + EDITED_QUEUE)) {
                    List<TextMessage> stored = broker.drain(queue);
                    assertThat(stored).as("events on " + queue + ", before and after the edit").isNotEmpty();
                    for (TextMessage event : stored) {
                        copies.merge(event.getStringProperty("metaMid"), 1, Integer::sum);
                    }
                }
                assertThat(broker.drain("messenger.unrouted")).isEmpty();
            }
            long lost = load.acknowledged().stream().filter(mid -> !copies.containsKey(mid)).count();
            long duplicated = copies.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("reload: acknowledged %d, stored %d, lost %d, duplicated %d%n", load.acknowledged().size(),
                    load.acknowledged().size() - lost, lost, duplicated);
            assertThat(lost).isZero();
            assertThat(duplicated).isZero();
        }
    }

    private static String servingVersion(BridgeProcess bridge) throws Exception {
        String scrape = Metrics.scrape(bridge.managementPort()).toString();
        var version = java.util.regex.Pattern.compile("bridge_routes_info\\{version=\"([0-9a-f]{12})\",?}").matcher(scrape);
        assertThat(version.find()).as("bridge_routes_info in " + scrape).isTrue();
        return version.group(1);
    }

    private static int lineOf(String text, String needle) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in the text");
    }
}
