package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import jakarta.jms.TextMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry on (OTEL_SDK_DISABLED=false), exporting OTLP/HTTP to a receiver this test runs: the
 * webhook POST is exported as a span, and the event read from its queue carries a W3C traceparent
 * of the same trace, so a consumer continues it, as the HTTP sink's request does. Off, no event
 * carries one.
 */
class TracingIT {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

    @Test
    void theWebhookPostIsASpanAndEachStoredEventCarriesItsTraceparent() throws Exception {
        List<byte[]> exported = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        try (SinkStandIn sink = new SinkStandIn();
                BridgeProcess bridge = BridgeProcess.startFresh("tracing", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR",
                acceptor, "OTEL_SDK_DISABLED", "false", "SINK_HTTP_MESSAGES", sink.url("/messages"),
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "OTEL_BSP_SCHEDULE_DELAY", "200"));
                BrokerClient broker = new BrokerClient(acceptor, null, null)) {
            String mid = Events.uniqueMid();
            assertThat(new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET)
                    .post(Events.page(Events.message("7900000000000001", mid, 1718037000000L, "traced"))).statusCode())
                    .isEqualTo(200);

            TextMessage stored = broker.receive("messenger.messages", 1).get(0);
            assertThat(stored.getStringProperty("metaMid")).isEqualTo(mid);
            String traceparent = stored.getStringProperty("traceparent");
            assertThat(traceparent).as("the stored event's traceparent").matches(TRACEPARENT);
            byte[] traceId = HexFormat.of().parseHex(traceparent.substring(3, 35));

            Instant deadline = Instant.now().plusSeconds(30);
            while (exported.stream().noneMatch(body -> contains(body, traceId) && contains(body, "/webhook"))) {
                assertThat(Instant.now()).as("the POST's span exported, trace " + traceparent.substring(3, 35))
                        .isBefore(deadline);
                Thread.sleep(100);
            }
            // the HTTP sink's request continues the same trace
            var delivered = sink.await("/messages", requests -> !requests.isEmpty(), Duration.ofSeconds(30)).get(0);
            assertThat(delivered.header("traceparent")).matches(TRACEPARENT).contains(traceparent.substring(3, 35));
            assertThat(bridge.log()).contains("Tracing with OpenTelemetry");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void offByDefaultNoEventCarriesATraceparent() throws Exception {
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        try (BridgeProcess bridge = BridgeProcess.startFresh("tracing-off", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR",
                acceptor)); BrokerClient broker = new BrokerClient(acceptor, null, null)) {
            assertThat(new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET)
                    .post(Events.page(Events.message("7900000000000002", Events.uniqueMid(), 1718037000001L, "x")))
                    .statusCode()).isEqualTo(200);
            assertThat(broker.receive("messenger.messages", 1).get(0).propertyExists("traceparent")).isFalse();
            assertThat(bridge.log()).doesNotContain("Tracing with OpenTelemetry");
        }
    }

    private static boolean contains(byte[] body, String text) {
        return contains(body, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
