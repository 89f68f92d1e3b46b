package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routing table is the user's to edit: docs/routing.md's one-line changes, applied to a copy of
 * {@code routes/}, do what it says, and the rest of a request is still stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingTableEditIT {

    static final String MOVE_ECHOES_FROM = "constant: message_echoes }";
    static final String MOVE_ECHOES_TO = "constant: bot_echoes }";
    static final String DROP_READS_FROM = "constant: message_reads }";
    static final String DROP_READS_TO = "constant: none }";

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();
    private final SinkStandIn sink = stopAfterAll.add(new SinkStandIn());
    private BridgeProcess bridge;
    private BrokerClient broker;
    private Webhook webhook;

    @BeforeAll
    void startWithEditedRoutes() throws Exception {
        Path routes = BridgeProcess.copyOfRoutes("edited");
        Path table = routes.resolve("event-routing.camel.yaml");
        String original = Files.readString(table);
        assertThat(original).containsOnlyOnce(MOVE_ECHOES_FROM).containsOnlyOnce(DROP_READS_FROM);
        Files.writeString(table, original.replace(MOVE_ECHOES_FROM, MOVE_ECHOES_TO).replace(DROP_READS_FROM, DROP_READS_TO));

        // an HTTP sink configured in YAML, as routes/http-sinks.camel.yaml shows
        Files.writeString(routes.resolve("my-sinks.camel.yaml"), String.join("\n",
                "- templatedRoute:",
                "    routeTemplateRef: http-sink",
                "    routeId: http-sink-message_echoes",
                "    parameters:",
                "      - name: type",
                "        value: message_echoes",
                "      - name: url",
                "        value: " + sink.url("/echoes"),
                ""));

        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = stopAfterAll.add(BridgeProcess.startFresh("edited-routes", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor,
                "CAMEL_MAIN_ROUTESINCLUDEPATTERN", "file:" + routes + "/*.camel.yaml")));
        broker = stopAfterAll.add(new BrokerClient(acceptor, null, null));
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
    }

    @Test
    void aMovedFieldGoesToItsNewQueue() throws Exception {
        assertThat(webhook.post(Fixtures.bytes("message_echoes.json")).statusCode()).isEqualTo(200);

        assertThat(broker.receive("messenger.bot_echoes", 3)).hasSize(3);
        broker.assertEmpty("messenger.message_echoes");
        assertThat(sink.await("/echoes", r -> r.size() >= 3, java.time.Duration.ofSeconds(30)))
                .extracting(r -> r.header("X-Meta-Field")).containsOnly("message_echoes");
    }

    @Test
    void aDroppedFieldIsNotStoredAndTheRestOfTheRequestIs() throws Exception {
        assertThat(webhook.post(Fixtures.bytes("batch-several-entries.json")).statusCode()).isEqualTo(200);

        broker.assertEmpty("messenger.message_reads", "messenger.unrouted");
        assertThat(broker.receive("messenger.messages", 3)).extracting(m -> m.getStringProperty("metaSenderId"))
                .containsExactlyElementsOf(List.of("6543210987654321", "7012345678901234", "6543210987654321"));
        assertThat(broker.receive("messenger.messaging_postbacks", 1)).hasSize(1);
        assertThat(broker.receive("messenger.message_deliveries", 1)).hasSize(1);
        assertThat(broker.receive("messenger.standby", 2)).hasSize(2);
    }
}
