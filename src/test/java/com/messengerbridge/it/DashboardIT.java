package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Grafana dashboard and the Prometheus alert rules beside the container files query only
 * meters a running bridge exports: a bridge with an HTTP sink that delivers and one that
 * dead-letters, after events and refusals, is scraped, and every metric name of every query is in it.
 */
class DashboardIT {

    private static final Path DASHBOARD = Path.of("src/main/docker/grafana-dashboard.json");
    private static final Path ALERTS = Path.of("src/main/docker/prometheus-alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\b((?:bridge|jvm|process)_[a-z0-9_]+)\\b");

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() throws Exception {
        Set<String> queried = new TreeSet<>();
        queries(new ObjectMapper().readTree(DASHBOARD.toFile()), queried);
        Map<?, ?> rules = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(ALERTS));
        List<String> alerts = new ArrayList<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                alerts.add(((Map<?, ?>) rule).get("alert").toString());
                names(((Map<?, ?>) rule).get("expr").toString(), queried);
            }
        }
        assertThat(alerts).as("the alerts docs/operations.md recommends").contains("MessengerBridgeEventsNotStored",
                "MessengerBridgeOverloaded", "MessengerBridgeSlowReplies", "MessengerBridgeDeadLetters",
                "MessengerBridgeSignatureMismatches");
        assertThat(queried).contains("bridge_events_total", "bridge_webhook_reply_seconds_bucket",
                "bridge_webhook_rejected_total", "bridge_webhook_in_flight", "bridge_sink_deliveries_total");

        try (SinkStandIn sink = new SinkStandIn()) {
            sink.on("/refuse", (n, exchange) -> 400);
            try (BridgeProcess bridge = BridgeProcess.startFresh("dashboard", BridgeProcess.env(
                    "BROKER_EMBEDDED_ACCEPTOR", "", "SINK_HTTP_MESSAGES", sink.url("/messages"),
                    "SINK_HTTP_MESSAGING_OPTINS", sink.url("/refuse")))) {
                Webhook webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
                byte[] body = Events.page(Events.message("7800000000000001", Events.uniqueMid(), 1718036000000L, "x"),
                        "{\"sender\":{\"id\":\"7800000000000001\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                                + "\"},\"timestamp\":1718036000001,\"optin\":{\"ref\":\"r\"}}").getBytes(StandardCharsets.UTF_8);
                assertThat(webhook.post(body).statusCode()).isEqualTo(200);
                assertThat(webhook.post(body, "X-Hub-Signature-256", Webhook.sign("wrong", body),
                        "Content-Type", "application/json").statusCode()).isEqualTo(403);
                sink.await("/messages", requests -> !requests.isEmpty(), Duration.ofSeconds(30));

                Metrics exported = Metrics.await(bridge.managementPort(), m ->
                        m.value("bridge_sink_deliveries_total", "type", "messaging_optins", "outcome", "dead_lettered") == 1
                                && m.value("bridge_sink_deliveries_total", "type", "messages", "outcome", "delivered") == 1);
                Set<String> names = new TreeSet<>();
                exported.series().keySet().forEach(series -> names.add(series.replaceFirst("\\{.*", "")));
                assertThat(names).as("series the bridge exports").containsAll(queried);
            }
        }
    }

    /** Every query of the dashboard: panel targets and template variables. */
    private static void queries(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isTextual()) {
                    names(field.getValue().asText(), names);
                } else {
                    queries(field.getValue(), names);
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> queries(item, names));
        }
    }

    private static void names(String query, Set<String> names) {
        Matcher metric = METRIC.matcher(query);
        while (metric.find()) {
            names.add(metric.group(1));
        }
    }
}
