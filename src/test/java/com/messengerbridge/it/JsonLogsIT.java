package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.messengerbridge.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LOG_FORMAT=json: every line the process writes, Camel's and any library's included, is one ECS
 * object, through verification, events, Meta's retries, refusals and a broker outage; and the
 * no-leak rules hold as in the plain format. A value the bridge does not know stops the start.
 */
@Tag(Tiers.FULL)
class JsonLogsIT {

    private static final int PORT_OFFSET = 1900;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineIsOneEcsObjectAndNoneLeaks() throws Exception {
        String log;
        try (ArtemisDistribution artemis = ArtemisDistribution.create("json-logs", PORT_OFFSET).start()) {
            try (BridgeProcess bridge = BridgeProcess.startFresh("json-logs", BridgeProcess.env("LOG_FORMAT", "json",
                    "BROKER_URL", artemis.url(), "BROKER_USER", ArtemisDistribution.USER,
                    "BROKER_PASSWORD", ArtemisDistribution.PASSWORD))) {
                Webhook webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
                assertThat(webhook.get("/webhook?hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN
                        + "&hub.challenge=json").statusCode()).isEqualTo(200);
                assertThat(webhook.get("/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=json")
                        .statusCode()).isEqualTo(403);
                for (int delivery = 0; delivery < 2; delivery++) { // the second time, Meta's retries
                    for (String fixture : Fixtures.ALL) {
                        assertThat(webhook.post(Fixtures.bytes(fixture)).statusCode()).isEqualTo(200);
                    }
                }
                byte[] body = Fixtures.bytes("messages.json");
                assertThat(webhook.post(body, "X-Hub-Signature-256", Webhook.sign("not-the-secret", body),
                        "Content-Type", "application/json").statusCode()).isEqualTo(403);
                assertThat(webhook.post(body, "Content-Type", "application/json").statusCode()).isEqualTo(401);
                assertThat(webhook.post("{not json").statusCode()).isEqualTo(400);

                artemis.stop();
                String unstored = Events.page(Events.message("7700000000000001", Events.uniqueMid(), 1718035300000L, "x"));
                assertThat(webhook.post(unstored).statusCode()).isEqualTo(503);
                artemis.start();
                Instant deadline = Instant.now().plusSeconds(60);
                while (webhook.post(unstored).statusCode() != 200) {
                    assertThat(Instant.now()).as("stored again once the broker is back").isBefore(deadline);
                    Thread.sleep(200);
                }
                log = bridge.log();
            }
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.lines().toList()) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).as("one JSON object per line: " + line).isTrue();
            lines.add(event);
        }
        assertThat(lines).allSatisfy(event -> assertThat(event.has("@timestamp") && event.has("log.level")
                && event.has("message") && event.has("log.logger") && event.has("ecs.version")).as(event.toString()).isTrue());
        TreeSet<String> loggers = new TreeSet<>();
        lines.forEach(event -> loggers.add(event.get("log.logger").asText()));
        assertThat(loggers).as("the bridge's lines and Camel's")
                .anyMatch(name -> name.startsWith("com.messengerbridge")).anyMatch(name -> name.startsWith("org.apache.camel"));
        assertThat(lines).anyMatch(event -> event.get("message").asText().contains("WEBHOOK_VERIFIED"))
                .anyMatch(event -> event.get("log.level").asText().equals("WARN")
                        && event.get("message").asText().contains("403"))
                .anyMatch(event -> event.get("log.level").asText().equals("ERROR"));
        LogRules.assertNothingLeaks(log, BridgeProcess.APP_SECRET, ArtemisDistribution.PASSWORD);
        System.out.printf("json logs: %d lines, every one an ECS object, from %d loggers%n", lines.size(), loggers.size());
    }

    @Test
    void aFormatTheBridgeDoesNotKnowStopsTheStart() throws Exception {
        assertThat(BridgeProcess.startExpectingExit("log-format-unknown", Map.of("LOG_FORMAT", "yaml",
                "BROKER_EMBEDDED_ACCEPTOR", ""))).isEqualTo(1);
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("target/it/log-format-unknown/bridge.log")))
                .contains("LOG_FORMAT must be one of [plain, json], not 'yaml'");
    }
}
