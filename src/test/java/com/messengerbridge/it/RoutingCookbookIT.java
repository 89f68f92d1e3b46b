package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every recipe of docs/routing-cookbook.md, taken from the page as written: applied to a running
 * bridge by saving the routing table (ROUTES_RELOAD), then driven with signed requests, checking
 * where the events land.
 */
@Tag(Tiers.FULL)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingCookbookIT {

    private static final Pattern RECIPE = Pattern.compile(
            "<!-- recipe: (\\S+) (table|before-store|after-store) -->\\n```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final String OWN_APP_ID = "1111111111111111";
    private static final String PAGE_ID = Events.PAGE_ID;

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();
    private final SinkStandIn sink = stopAfterAll.add(new SinkStandIn());
    private final Map<String, Recipe> recipes = new LinkedHashMap<>();
    private Path table;
    private String original;
    private String acceptor;
    private BridgeProcess bridge;
    private Webhook webhook;
    private BrokerClient broker;
    private int reloads;

    record Recipe(String id, String place, String yaml) {
    }

    @BeforeAll
    void startWithReload() throws Exception {
        Matcher recipe = RECIPE.matcher(Files.readString(Path.of("docs/routing-cookbook.md")));
        while (recipe.find()) {
            recipes.put(recipe.group(1), new Recipe(recipe.group(1), recipe.group(2), recipe.group(3)));
        }
        Path routes = BridgeProcess.copyOfRoutes("cookbook");
        table = routes.resolve("event-routing.camel.yaml");
        original = Files.readString(table);
        acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = stopAfterAll.add(BridgeProcess.startFresh("cookbook", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor,
                "ROUTES_DIR", routes.toString(), "ROUTES_RELOAD", "true", "META_OWN_APP_IDS", OWN_APP_ID,
                "SINK_HTTP_MESSAGING_POSTBACKS", sink.url("/postbacks"))));
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
        broker = stopAfterAll.add(new BrokerClient(acceptor, null, null));
    }

    @Test
    void everyRecipeOnThePageIsOneOfTheseTests() {
        assertThat(recipes.keySet()).containsExactlyInAnyOrder("move-field", "drop-field", "by-page", "own-echoes",
                "sink-only", "copy-to-second-queue", "multicast", "computed-header", "park");
    }

    @Test
    void moveAField() throws Exception {
        apply("move-field");
        post(item("read", "{\"watermark\":1718035240000}"));
        assertThat(broker.receive("messenger.reads", 1)).hasSize(1);
        broker.assertEmpty("messenger.message_reads");
    }

    @Test
    void dropAField() throws Exception {
        apply("drop-field");
        double dropped = droppedDeliveries();
        String mid = Events.uniqueMid();
        post(item("delivery", "{\"mids\":[\"" + Events.uniqueMid() + "\"],\"watermark\":1718035240000}"),
                Events.message("7600000000000001", mid, 1718035240001L, "kept"));
        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
        broker.assertEmpty("messenger.message_deliveries");
        Metrics.await(bridge.managementPort(), m -> droppedDeliveries(m) == dropped + 1);
    }

    @Test
    void routeByPage() throws Exception {
        apply("by-page");
        post(Events.message("7600000000000002", Events.uniqueMid(), 1718035240002L, "to page B"));
        assertThat(webhook.post(Events.envelope("page", "999000999000999", "messaging",
                Events.message("7600000000000003", Events.uniqueMid(), 1718035240003L, "another page"))).statusCode())
                .isEqualTo(200);
        assertThat(broker.receive("messenger.page_" + PAGE_ID + "_messages", 1).get(0).getStringProperty("metaEntryId"))
                .isEqualTo(PAGE_ID);
        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaEntryId"))
                .isEqualTo("999000999000999");
    }

    @Test
    void keepTheBotsOwnEchoesOut() throws Exception {
        apply("own-echoes");
        String others = Events.uniqueMid();
        post(Events.echo("7600000000000004", Events.uniqueMid(), 1718035240004L, OWN_APP_ID),
                Events.echo("7600000000000004", others, 1718035240005L, "2222222222222222"));
        assertThat(broker.receive("messenger.message_echoes", 1).get(0).getStringProperty("metaMid")).isEqualTo(others);
    }

    @Test
    void sendOneTypeOnlyToAnHttpSink() throws Exception {
        apply("sink-only");
        String mid = Events.uniqueMid();
        post(item("postback", "{\"mid\":\"" + mid + "\",\"title\":\"Start\",\"payload\":\"START\"}"));
        var delivered = sink.await("/postbacks", requests -> requests.stream()
                .anyMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains(mid)), Duration.ofSeconds(30));
        assertThat(delivered).isNotEmpty();
        broker.assertEmpty("messenger.messaging_postbacks");
    }

    @Test
    void copyOneTypeToASecondQueueInTheSameTransaction() throws Exception {
        apply("copy-to-second-queue");
        String mid = Events.uniqueMid();
        post(reaction(mid));
        assertThat(broker.receive("messenger.message_reactions", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
        assertThat(broker.receive("messenger.reactions_audit", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
    }

    @Test
    void publishOneTypeToAMulticastAddress() throws Exception {
        apply("multicast");
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(acceptor);
        List<Connection> subscribers = new ArrayList<>();
        List<MessageConsumer> consumers = new ArrayList<>();
        try {
            for (String name : List.of("search-index", "analytics")) {
                Connection connection = factory.createConnection();
                connection.setClientID(name);
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                consumers.add(session.createDurableConsumer(session.createTopic("messenger.edits_feed"), name));
                connection.start();
                subscribers.add(connection);
            }
            String mid = Events.uniqueMid();
            post(item("message_edit", "{\"mid\":\"" + mid + "\",\"text\":\"edited\",\"num_edit\":1}"));
            for (MessageConsumer consumer : consumers) {
                TextMessage copy = (TextMessage) consumer.receive(10_000);
                assertThat(copy).isNotNull();
                assertThat(copy.getStringProperty("metaMid")).isEqualTo(mid);
            }
            assertThat(broker.receive("messenger.message_edits", 1)).hasSize(1);
        } finally {
            for (Connection connection : subscribers) {
                connection.close();
            }
        }
    }

    @Test
    void addAHeaderComputedFromTheEvent() throws Exception {
        apply("computed-header");
        String withImage = Events.uniqueMid();
        String plain = Events.uniqueMid();
        post(item("message", "{\"mid\":\"" + withImage + "\",\"attachments\":[{\"type\":\"image\",\"payload\":{\"url\":\"https://x\"}}]}"),
                Events.message("7600000000000005", plain, 1718035240006L, "no attachment"));
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (TextMessage stored : broker.receive("messenger.messages", 2)) {
            flags.put(stored.getStringProperty("metaMid"), stored.getBooleanProperty("metaHasAttachments"));
        }
        assertThat(flags).containsEntry(withImage, true).containsEntry(plain, false);
    }

    @Test
    void parkATypeAndReplayIt() throws Exception {
        apply("park");
        String first = Events.uniqueMid();
        String second = Events.uniqueMid();
        post(reaction(first), reaction(second));
        assertThat(broker.browse("messenger.parked_reactions", 2, Duration.ofSeconds(10))).hasSize(2);
        broker.assertEmpty("messenger.message_reactions");

        // the consumer is ready: the line goes, and Meta happens to resend the first reaction meanwhile
        save(original);
        post(reaction(first));
        assertThat(broker.browse("messenger.message_reactions", 1, Duration.ofSeconds(10))).hasSize(1);

        ProcessBuilder move = new ProcessBuilder("bin/move-events", "messenger.parked_reactions",
                "messenger.message_reactions").redirectErrorStream(true);
        move.environment().put("BROKER_URL", acceptor);
        Process replay = move.start();
        replay.getOutputStream().close();
        String printed = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replay.waitFor()).as(printed).isZero();
        assertThat(printed).contains("moved 1 events from messenger.parked_reactions to messenger.message_reactions;"
                + " 1 were there already and were dropped");
        List<String> replayed = broker.receive("messenger.message_reactions", 2).stream().map(message -> {
            try {
                return message.getStringProperty("metaMid");
            } catch (jakarta.jms.JMSException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(replayed).containsExactly(first, second);
        broker.assertEmpty("messenger.parked_reactions");
    }

    /** The original routing table with the recipe in its place, saved and applied. */
    private void apply(String id) throws Exception {
        Recipe recipe = recipes.get(id);
        assertThat(recipe).as("recipe " + id + " on docs/routing-cookbook.md").isNotNull();
        String anchor = switch (recipe.place()) {
            case "table" -> "              - { simple: \"${header.metaContainer} == 'changes'\"";
            case "before-store" -> "        - choice:\n            when:\n              - simple: \"${exchangeProperty.queue} == 'none'\"";
            default -> "        # events of a type with an HTTP sink";
        };
        String indent = recipe.place().equals("table") ? " ".repeat(14) : " ".repeat(8);
        assertThat(original).containsOnlyOnce(anchor);
        String snippet = recipe.yaml().lines().map(line -> indent + line + "\n").reduce("", String::concat);
        save(original.replace(anchor, snippet + anchor));
    }

    /** Saves the routing table; returns once the bridge has applied it. */
    private void save(String routingTable) throws Exception {
        Files.writeString(table, routingTable);
        reloads++;
        Metrics.await(bridge.managementPort(), m -> m.value("bridge_routes_reloads_total", "outcome", "applied") >= reloads);
    }

    /** One request to the Page with these messaging items. */
    private void post(String... items) {
        assertThat(webhook.post(Events.page(items)).statusCode()).isEqualTo(200);
    }

    /** A messaging item of a user to the Page under {@code key}. */
    private static String item(String key, String json) {
        return "{\"sender\":{\"id\":\"7600000000000009\"},\"recipient\":{\"id\":\"" + PAGE_ID
                + "\"},\"timestamp\":1718035240100,\"" + key + "\":" + json + "}";
    }

    private static String reaction(String mid) {
        return item("reaction", "{\"reaction\":\"love\",\"emoji\":\"\\u2764\",\"action\":\"react\",\"mid\":\"" + mid + "\"}");
    }

    private double droppedDeliveries() throws Exception {
        return droppedDeliveries(Metrics.scrape(bridge.managementPort()));
    }

    private static double droppedDeliveries(Metrics metrics) {
        return metrics.value("bridge_events_total", "object", "page", "field", "message_deliveries", "outcome", "dropped");
    }
}
