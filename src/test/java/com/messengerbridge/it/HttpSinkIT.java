package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP sinks against a real local HTTP service: delivery, retries, dead letters, redrive, timeouts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SINK_SECRET = "sink-secret";
    private static final int MAX_ATTEMPTS = 4;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();
    private final SinkStandIn sink = stopAfterAll.add(new SinkStandIn());
    private String acceptor;
    private BridgeProcess bridge;
    private BrokerClient broker;
    private Webhook webhook;
    private volatile boolean downSinkFixed;

    @BeforeAll
    void start() throws Exception {
        // fails one attempt short of the limit: the first event needs every attempt it has
        sink.on("/flaky", (n, exchange) -> n < MAX_ATTEMPTS ? 503 : 200);
        sink.on("/down", (n, exchange) -> downSinkFixed ? 200 : 500);
        sink.on("/reject", (n, exchange) -> 400);
        sink.on("/refuse", (n, exchange) -> 400);
        sink.on("/hang", sink.hang());
        sink.on("/limited", (n, exchange) -> {
            if (n == 1) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                return 429;
            }
            return 200;
        });
        acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = stopAfterAll.add(BridgeProcess.startFresh("http-sinks", BridgeProcess.env(
                "BROKER_EMBEDDED_ACCEPTOR", acceptor,
                "SINK_HTTP_MESSAGES", sink.url("/messages"),
                "SINK_HTTP_MESSAGES_CONCURRENCY", "3",
                "SINK_HTTP_MESSAGING_POSTBACKS", sink.url("/flaky"),
                "SINK_HTTP_MESSAGE_READS", sink.url("/down"),
                "SINK_HTTP_MESSAGING_OPTINS", sink.url("/reject"),
                "SINK_HTTP_MESSAGE_DELIVERIES", sink.url("/hang"),
                "SINK_HTTP_MESSAGE_REACTIONS", sink.url("/limited"),
                "SINK_HTTP_MESSAGE_EDITS", sink.url("/edits"),
                "SINK_HTTP_MESSAGING_REFERRALS", sink.url("/refuse"),
                "SINK_HTTP_SECRET", SINK_SECRET,
                "SINK_HTTP_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS),
                "SINK_HTTP_RETRY_DELAY_MS", "100",
                "SINK_HTTP_MAX_RETRY_DELAY_MS", "400",
                "SINK_HTTP_TIMEOUT_MS", "1000")));
        broker = stopAfterAll.add(new BrokerClient(acceptor, null, null));
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
    }

    /**
     * Each event arrives as its JSON with the documented headers only, signed over the exact body,
     * each conversation in order even with three deliveries at a time; the queue keeps its copy.
     */
    @Test
    void eachEventIsPostedWithTheDocumentedHeadersOnlyInConversationOrder() throws Exception {
        Map<String, String> itemByMid = new LinkedHashMap<>();
        for (int seq = 0; seq < 8; seq++) {
            List<String> items = new ArrayList<>();
            for (int user = 0; user < 3; user++) {
                String mid = Events.uniqueMid();
                String item = Events.message("76000000000000" + (10 + user), mid, 1718035800000L + seq,
                        "u" + user + "#" + seq);
                items.add(item);
                itemByMid.put(mid, item);
            }
            byte[] body = Events.page(items.toArray(String[]::new)).getBytes(StandardCharsets.UTF_8);
            assertThat(webhook.post(body, "X-Hub-Signature-256", Webhook.sign(BridgeProcess.APP_SECRET, body),
                    "Content-Type", "application/json", "X-Custom", "custom-value", "_AMQ_DUPL_ID", "forged",
                    "CamelHttpUri", "http://127.0.0.1:1/elsewhere").statusCode()).isEqualTo(200);
        }

        List<SinkStandIn.Request> received = sink.await("/messages", r -> r.size() >= 24, WAIT);

        assertThat(received).hasSize(24);
        Map<String, List<Integer>> orderByUser = new LinkedHashMap<>();
        for (SinkStandIn.Request request : received) {
            String mid = request.header("X-Meta-Mid");
            assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree(itemByMid.get(mid)));
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(request.header("Idempotency-Key")).isEqualTo("page:messages:" + mid);
            assertThat(request.header("X-Meta-Object")).isEqualTo("page");
            assertThat(request.header("X-Meta-Field")).isEqualTo("messages");
            assertThat(request.header("X-Meta-Page")).isEqualTo(Events.PAGE_ID);
            assertThat(request.header("X-Bridge-Signature-256")).isEqualTo(Webhook.sign(SINK_SECRET, request.body()));
            assertThat(request.headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("X-Custom")
                    || name.toLowerCase().startsWith("camel") || name.toLowerCase().startsWith("jms")
                    || name.startsWith("_") || name.toLowerCase().startsWith("meta"));
            String text = JSON.readTree(request.body()).at("/message/text").asText();
            orderByUser.computeIfAbsent(text.substring(0, 2), u -> new ArrayList<>())
                    .add(Integer.parseInt(text.substring(3)));
        }
        orderByUser.values().forEach(order -> assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(broker.receive("messenger.messages", 24)).hasSize(24);
    }

    /** Fails with 503 for a while, then recovers: every event arrives, and each is taken exactly once. */
    @Test
    void aSinkThatFailsForAWhileGetsEveryEventOnce() throws Exception {
        double deliveredBefore = Metrics.scrape(bridge.managementPort()).value("bridge_sink_deliveries_total", "type",
                "messaging_postbacks", "outcome", "delivered");
        List<String> mids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String mid = Events.uniqueMid();
            mids.add(mid);
            assertThat(webhook.post(Events.page("{\"sender\":{\"id\":\"7610000000000001\"},\"recipient\":{\"id\":\""
                    + Events.PAGE_ID + "\"},\"timestamp\":" + (1718035900000L + i) + ",\"postback\":{\"title\":\"Go\","
                    + "\"payload\":\"GO\",\"mid\":\"" + mid + "\"}}")).statusCode()).isEqualTo(200);
        }

        List<SinkStandIn.Request> received = sink.await("/flaky",
                r -> r.stream().filter(request -> request.status() == 200).count() >= 5, WAIT);

        assertThat(received.stream().filter(r -> r.status() == 503)).hasSize(MAX_ATTEMPTS - 1);
        assertThat(received.stream().filter(r -> r.status() == 200).map(r -> r.header("X-Meta-Mid")))
                .containsExactlyElementsOf(mids);
        broker.assertEmpty("sink.messaging_postbacks.dlq");
        Metrics.await(bridge.managementPort(), metrics -> metrics.value("bridge_sink_deliveries_total", "type",
                "messaging_postbacks", "outcome", "delivered") == deliveredBefore + 5);
    }

    /** A sink on plain http:// works, and the start says that events travel to it unencrypted. */
    @Test
    void aPlainHttpSinkIsNamedAtStart() {
        assertThat(bridge.log()).contains("HTTP sink for messages is plain http://")
                .contains("HTTP sink for message_reads is plain http://");
    }

    /** Always 500: after the attempts the events wait in the dead-letter queue; once fixed, a redrive delivers them. */
    @Test
    void aSinkThatAlwaysFailsDeadLettersAndTheRedriveDeliversLater() throws Exception {
        String first = Events.read("7620000000000001", 1718036000000L, 1718035999000L);
        String second = Events.read("7620000000000002", 1718036000001L, 1718035999001L);
        assertThat(webhook.post(Events.page(first, second)).statusCode()).isEqualTo(200);

        List<Message> deadLetters = broker.browse("sink.message_reads.dlq", 2, WAIT);

        for (Message deadLetter : deadLetters) {
            assertThat(deadLetter.getStringProperty("sinkLastError")).isEqualTo("HTTP 500");
            assertThat(deadLetter.getIntProperty("sinkAttempts")).isEqualTo(MAX_ATTEMPTS);
            assertThat(deadLetter.getStringProperty("sinkIdempotencyKey")).startsWith("page:message_reads:");
            assertThat(deadLetter.propertyExists("_AMQ_DUPL_ID")).isFalse();
        }
        assertThat(sink.requests("/down")).hasSize(2 * MAX_ATTEMPTS);
        // the log names the dead letters by a hash of their key, which holds the user's id
        assertThat(bridge.log()).contains("dead-lettered event ").doesNotContain("7620000000000001")
                .doesNotContain("7620000000000002").doesNotContain("page:message_reads:");

        downSinkFixed = true;
        // the README's command, pointed at this bridge's embedded broker
        ProcessBuilder command = new ProcessBuilder("java", "-cp", "target/messenger-bridge.jar",
                "com.messengerbridge.sink.DeadLetterRedrive", "message_reads").redirectErrorStream(true);
        command.environment().put("BROKER_URL", acceptor);
        Process redrive = command.start();
        String output = new String(redrive.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(redrive.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(redrive.exitValue()).as(output).isZero();
        assertThat(output).contains("moved 2 events from sink.message_reads.dlq to sink.message_reads");

        List<SinkStandIn.Request> delivered = sink.await("/down",
                r -> r.stream().filter(request -> request.status() == 200).count() >= 2, WAIT);
        assertThat(delivered.stream().filter(r -> r.status() == 200).map(r -> r.header("Idempotency-Key")))
                .containsExactlyInAnyOrderElementsOf(deadLetters.stream().map(m -> {
                    try {
                        return m.getStringProperty("sinkIdempotencyKey");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList());
        broker.browse("sink.message_reads.dlq", 0, WAIT);
    }

    /** A 400 will never succeed: the event is dead-lettered after one attempt. */
    @Test
    void aClientErrorDeadLettersAtOnce() throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        String optin = "{\"sender\":{\"id\":\"7630000000000001\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                + "\"},\"timestamp\":1718036100000,\"optin\":{\"ref\":\"" + Events.uniqueMid() + "\"}}";
        assertThat(webhook.post(Events.page(optin)).statusCode()).isEqualTo(200);

        Message deadLetter = broker.browse("sink.messaging_optins.dlq", 1, WAIT).get(0);

        assertThat(deadLetter.getStringProperty("sinkLastError")).isEqualTo("HTTP 400");
        assertThat(deadLetter.getIntProperty("sinkAttempts")).isEqualTo(1);
        assertThat(sink.requests("/reject")).hasSize(1);
        Metrics after = Metrics.scrape(bridge.managementPort());
        assertThat(after.value("bridge_sink_deliveries_total", "type", "messaging_optins", "outcome", "dead_lettered")
                - before.value("bridge_sink_deliveries_total", "type", "messaging_optins", "outcome", "dead_lettered"))
                .isEqualTo(1);
    }

    /** A 429 is tried again no sooner than its Retry-After says. */
    @Test
    void tooManyRequestsIsRetriedAfterTheDelayTheSinkAsked() throws Exception {
        String reaction = "{\"sender\":{\"id\":\"7640000000000001\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                + "\"},\"timestamp\":1718036200000,\"reaction\":{\"mid\":\"" + Events.uniqueMid()
                + "\",\"action\":\"react\",\"reaction\":\"love\"}}";
        assertThat(webhook.post(Events.page(reaction)).statusCode()).isEqualTo(200);

        List<SinkStandIn.Request> received = sink.await("/limited", r -> r.size() >= 2, WAIT);

        assertThat(received.get(0).status()).isEqualTo(429);
        assertThat(received.get(1).status()).isEqualTo(200);
        assertThat(Duration.between(received.get(0).at(), received.get(1).at())).isGreaterThan(Duration.ofMillis(900));
    }

    /** While a sink hangs, its requests time out and are retried, and Meta still gets every 200 at once. */
    @Test
    void aHangingSinkTimesOutAndNeverHoldsUpTheWebhook() throws Exception {
        String delivery = "{\"sender\":{\"id\":\"7650000000000001\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                + "\"},\"delivery\":{\"watermark\":1718036300000}}";
        assertThat(webhook.post(Events.page(delivery)).statusCode()).isEqualTo(200);
        awaitArrivals("/hang", 1);

        for (int i = 0; i < 20; i++) {
            Instant sent = Instant.now();
            String echo = Events.echo("7650000000000002", Events.uniqueMid(), 1718036300001L + i, "263902037430900");
            assertThat(webhook.post(Events.page(echo)).statusCode()).isEqualTo(200);
            assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(5));
        }

        // the first request timed out, and was tried again
        awaitArrivals("/hang", 2);
        assertThat(broker.receive("messenger.message_echoes", 20)).hasSize(20);
    }

    /**
     * Anyone who can put a message on a sink queue gets nothing delivered, signed or replied to:
     * only what this bridge stored there, with its mark, reaches the sink. A message without a valid
     * mark, or not text, is dead-lettered at once, its Camel and reply properties dropped.
     */
    @Test
    void forgedMessagesOnASinkQueueAreDeadLetteredAtOnceNeverDelivered() throws Exception {
        jakarta.jms.Session session = broker.newSession();
        String json = Events.message("7630000000000001", Events.uniqueMid(), 1718036100000L, "planted");
        List<jakarta.jms.Message> forged = new ArrayList<>();
        forged.add(session.createTextMessage(json));
        jakarta.jms.TextMessage badMark = session.createTextMessage(json);
        badMark.setStringProperty("bridgeMark", "0".repeat(64));
        forged.add(badMark);
        jakarta.jms.BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        forged.add(bytes);
        forged.add(session.createObjectMessage(json));
        for (jakarta.jms.Message message : forged) {
            message.setJMSReplyTo(session.createQueue("stolen.replies"));
            message.setStringProperty("CamelHttpUri", sink.url("/stolen"));
            message.setStringProperty("cAmElHttpUri", sink.url("/stolen"));
            message.setStringProperty("metaField", "message_edits");
        }
        try (jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue("sink.message_edits"))) {
            for (jakarta.jms.Message message : forged) {
                producer.send(message);
            }
        }

        List<Message> deadLetters = broker.browse("sink.message_edits.dlq", forged.size(), WAIT);
        assertThat(deadLetters).extracting(m -> m.getStringProperty("sinkLastError")).containsExactlyInAnyOrder(
                "refused: no valid bridge mark", "refused: no valid bridge mark", "refused: not a text message",
                "refused: not a text message");
        assertThat(deadLetters).allSatisfy(m -> {
            assertThat(m.getIntProperty("sinkAttempts")).isEqualTo(1);
            assertThat(m.getJMSReplyTo()).isNull();
            assertThat(propertyNames(m)).noneMatch(name -> name.equalsIgnoreCase("CamelHttpUri"));
        });
        assertThat(sink.arrivals("/edits")).isZero();
        assertThat(sink.arrivals("/stolen")).isZero();
        broker.browse("sink.message_edits", 0, WAIT);
        broker.assertEmpty("stolen.replies");
    }

    /**
     * A mark holds for its event only: the same mark on another body is refused, while the event as
     * the bridge stored it, dead-lettered and put back, is delivered again.
     */
    @Test
    void aMarkCopiedOntoAnotherBodyIsRefusedAndTheMarkedEventStillDelivers() throws Exception {
        String referral = "{\"sender\":{\"id\":\"7630000000000002\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                + "\"},\"timestamp\":1718036200000,\"referral\":{\"ref\":\"" + Events.uniqueMid()
                + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}";
        assertThat(webhook.post(Events.page(referral)).statusCode()).isEqualTo(200);
        jakarta.jms.TextMessage marked = (jakarta.jms.TextMessage) broker.receive("sink.messaging_referrals.dlq", 1)
                .get(0);
        assertThat(marked.getStringProperty("bridgeMark")).hasSize(64);
        assertThat(sink.arrivals("/refuse")).isEqualTo(1);

        jakarta.jms.Session session = broker.newSession();
        try (jakarta.jms.MessageProducer producer = session.createProducer(
                session.createQueue("sink.messaging_referrals"))) {
            producer.send(copy(session, marked, marked.getText().replace("SHORTLINK", "ADS")));
            List<Message> refused = broker.browse("sink.messaging_referrals.dlq", 1, WAIT);
            assertThat(refused.get(0).getStringProperty("sinkLastError")).isEqualTo("refused: no valid bridge mark");
            assertThat(sink.arrivals("/refuse")).isEqualTo(1);

            producer.send(copy(session, marked, marked.getText()));
            awaitArrivals("/refuse", 2);
        }
    }

    private static jakarta.jms.TextMessage copy(jakarta.jms.Session session, jakarta.jms.TextMessage original,
            String body) throws jakarta.jms.JMSException {
        jakarta.jms.TextMessage copy = session.createTextMessage(body);
        for (String name : propertyNames(original)) {
            if (!name.startsWith("JMS")) {
                copy.setObjectProperty(name, original.getObjectProperty(name));
            }
        }
        return copy;
    }

    private static List<String> propertyNames(Message message) throws jakarta.jms.JMSException {
        return java.util.Collections.list((java.util.Enumeration<?>) message.getPropertyNames()).stream()
                .map(Object::toString).toList();
    }

    private void awaitArrivals(String path, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (sink.arrivals(path) < count) {
            assertThat(Instant.now()).as("%d requests at %s", count, path).isBefore(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
