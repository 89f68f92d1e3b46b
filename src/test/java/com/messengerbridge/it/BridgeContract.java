package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.messengerbridge.Fixtures;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the bridge promises, spoken to over real HTTP and read back from a real broker. Each
 * subclass runs it against one kind of broker, fresh for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BridgeContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JMS properties a stored event may carry: the bridge's own, and what Artemis adds. */
    private static final Set<String> ALLOWED_PROPERTIES = Set.of("metaObject", "metaEntryId", "metaEntryTime",
            "metaField", "metaContainer", "metaSenderId", "metaRecipientId", "metaTimestamp", "metaMid",
            "metaStandby", "JMSXGroupID", "_AMQ_DUPL_ID", "JMSXDeliveryCount", "__AMQ_CID");

    protected BridgeProcess bridge;
    protected BrokerClient broker;
    protected Webhook webhook;

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();

    /**
     * Starts the broker of this variant and a bridge on it; sets {@link #bridge} and {@link #broker},
     * and adds what it started to {@link #stopAfterAll}.
     */
    protected abstract void startBrokerAndBridge() throws Exception;

    @BeforeAll
    void setUp() throws Exception {
        startBrokerAndBridge();
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
    }

    @Test
    void verificationAnswersTheChallengeAndLogsIt() {
        int verifiedBefore = occurrences(bridge.log(), "WEBHOOK_VERIFIED");

        HttpResponse<String> response = webhook.get("/webhook?hub.verify_token=" + BridgeProcess.VERIFY_TOKEN
                + "&hub.challenge=CHALLENGE_ACCEPTED&hub.mode=subscribe", "X-Probe", "probe-header-value");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("CHALLENGE_ACCEPTED");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertNothingEchoed(response, BridgeProcess.VERIFY_TOKEN, "probe-header-value", "X-Probe", "hub.");
        assertThat(occurrences(bridge.log(), "WEBHOOK_VERIFIED")).isEqualTo(verifiedBefore + 1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=42, 403",
        "hub.mode=unsubscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN + "&hub.challenge=42, 403",
        "hub.mode=subscribe&hub.challenge=42, 400",
        "hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN + ", 400",
        "hub.verify_token=" + BridgeProcess.VERIFY_TOKEN + "&hub.challenge=42, 400",
        "'', 400",
    })
    void verificationRefusesWrongTokenOrModeAndMissingParameters(String query, int status) {
        HttpResponse<String> response = webhook.get("/webhook?" + query, "X-Probe", "probe-header-value");

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("42");
        assertNothingEchoed(response, BridgeProcess.VERIFY_TOKEN, "wrong-token", "probe-header-value", "X-Probe",
                "hub.");
    }

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("messages.json", repeat("messenger.messages", 8)),
                Arguments.of("message_echoes.json", repeat("messenger.message_echoes", 3)),
                Arguments.of("message_deliveries.json", repeat("messenger.message_deliveries", 2)),
                Arguments.of("message_reads.json", repeat("messenger.message_reads", 1)),
                Arguments.of("messaging_postbacks.json", repeat("messenger.messaging_postbacks", 2)),
                Arguments.of("messaging_optins.json", repeat("messenger.messaging_optins", 5)),
                Arguments.of("messaging_referrals.json", repeat("messenger.messaging_referrals", 3)),
                Arguments.of("messaging_account_linking.json", repeat("messenger.messaging_account_linking", 2)),
                Arguments.of("messaging_checkout_updates.json", repeat("messenger.messaging_checkout_updates", 1)),
                Arguments.of("messaging_game_plays.json", repeat("messenger.messaging_game_plays", 1)),
                Arguments.of("messaging_handovers.json", repeat("messenger.messaging_handovers", 4)),
                Arguments.of("messaging_payments.json", repeat("messenger.messaging_payments", 1)),
                Arguments.of("messaging_policy_enforcement.json",
                        repeat("messenger.messaging_policy_enforcement", 2)),
                Arguments.of("messaging_pre_checkouts.json", repeat("messenger.messaging_pre_checkouts", 1)),
                Arguments.of("message_reactions.json", repeat("messenger.message_reactions", 2)),
                Arguments.of("message_edits.json", repeat("messenger.message_edits", 1)),
                Arguments.of("messaging_feedback.json", repeat("messenger.messaging_feedback", 1)),
                Arguments.of("response_feedback.json", repeat("messenger.response_feedback", 1)),
                Arguments.of("send_cart.json", repeat("messenger.send_cart", 1)),
                Arguments.of("standby.json", repeat("messenger.standby", 4)),
                Arguments.of("instagram-messages.json", List.of("instagram.messages", "instagram.message_echoes",
                        "instagram.messages", "instagram.messages", "instagram.messages", "instagram.messages",
                        "instagram.messages", "instagram.messages")),
                Arguments.of("instagram-message_reactions.json", repeat("instagram.message_reactions", 2)),
                Arguments.of("instagram-messaging_postbacks.json", repeat("instagram.messaging_postbacks", 1)),
                Arguments.of("instagram-messaging_seen.json", repeat("instagram.message_reads", 2)),
                Arguments.of("instagram-message_echoes.json", repeat("instagram.message_echoes", 2)),
                Arguments.of("instagram-comments.json", List.of("instagram.comments", "instagram.comments",
                        "instagram.mentions")),
                Arguments.of("page-feed.json", repeat("messenger.feed", 1)),
                Arguments.of("batch-several-entries.json", List.of("messenger.messages", "messenger.messages",
                        "messenger.message_reads", "messenger.messages", "messenger.messaging_postbacks",
                        "messenger.message_deliveries", "messenger.standby", "messenger.standby")),
                Arguments.of("unicode-text.json", repeat("messenger.messages", 1)));
    }

    /**
     * Each item of the fixture is on its queue, in order, its body the item's JSON and its properties
     * the documented ones (docs/queues-and-messages.md), taken from the item and its entry.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFixtureEventLandsOnItsQueueWithItsProperties(String fixture, List<String> queues) throws Exception {
        byte[] body = Fixtures.bytes(fixture);

        HttpResponse<String> response = webhook.post(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("EVENT_RECEIVED");
        List<Item> items = items(body);
        assertThat(items).hasSameSizeAs(queues);
        Map<String, List<Item>> expectedByQueue = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            expectedByQueue.computeIfAbsent(queues.get(i), q -> new ArrayList<>()).add(items.get(i));
        }
        for (var expected : expectedByQueue.entrySet()) {
            List<TextMessage> stored = broker.receive(expected.getKey(), expected.getValue().size());
            for (int i = 0; i < stored.size(); i++) {
                assertStoredAs(stored.get(i), expected.getValue().get(i));
            }
        }
    }

    @Test
    void emojiAndAccentedTextArriveIntact() throws Exception {
        String mid = Events.uniqueMid();
        String body = Events.page(Events.message("7100000000000009", mid, 1718035310000L,
                "Cr\\u00e8me br\\u00fbl\\u00e9e \\ud83d\\ude00 \\u4f60\\u597d"));

        assertThat(webhook.post(body).statusCode()).isEqualTo(200);

        TextMessage stored = broker.receive("messenger.messages", 1).get(0);
        assertThat(JSON.readTree(stored.getText()).at("/message/text").asText()).isEqualTo("Crème brûlée 😀 你好");
    }

    @Test
    void standbyEventsNameTheirInnerType() throws Exception {
        String user = "7100000000000001";
        String mid = Events.uniqueMid();
        String body = Events.envelope("page", Events.PAGE_ID, "standby", Events.message(user, mid, 1718035237000L, "hi"));

        assertThat(webhook.post(body).statusCode()).isEqualTo(200);

        TextMessage stored = broker.receive("messenger.standby", 1).get(0);
        assertThat(stored.getStringProperty("metaField")).isEqualTo("messages");
        assertThat(stored.getBooleanProperty("metaStandby")).isTrue();
        assertThat(stored.getStringProperty("metaMid")).isEqualTo(mid);
    }

    @Test
    void unknownItemTypesAreKeptOnUnrouted() throws Exception {
        String item = "{\"sender\":{\"id\":\"7100000000000002\"},\"recipient\":{\"id\":\"" + Events.PAGE_ID
                + "\"},\"timestamp\":1718035299000,\"brand_new_event\":{\"id\":\"" + Events.uniqueMid() + "\"}}";

        assertThat(webhook.post(Events.page(item)).statusCode()).isEqualTo(200);

        TextMessage stored = broker.receive("messenger.unrouted", 1).get(0);
        assertThat(JSON.readTree(stored.getText())).isEqualTo(JSON.readTree(item));
        assertThat(stored.getStringProperty("metaField")).isEqualTo("brand_new_event");
    }

    @Test
    void changesGoToTheQueueOfTheirField() throws Exception {
        String change = "{\"field\":\"comments\",\"value\":{\"id\":\"" + Events.uniqueMid()
                + "\",\"text\":\"nice\",\"from\":{\"id\":\"1122334455667788\",\"username\":\"someone\"}}}";

        assertThat(webhook.post(Events.envelope("instagram", Events.IG_ACCOUNT_ID, "changes", change)).statusCode())
                .isEqualTo(200);

        TextMessage stored = broker.receive("instagram.comments", 1).get(0);
        assertThat(stored.getStringProperty("metaField")).isEqualTo("comments");
        assertThat(stored.getStringProperty("metaContainer")).isEqualTo("changes");
        assertThat(JSON.readTree(stored.getText())).isEqualTo(JSON.readTree(change));
    }

    /** The item is stored as Meta sent and signed it, escapes and spacing kept. */
    @Test
    void signatureIsCheckedOverTheRawBytesWithEscapesKept() throws Exception {
        String mid = Events.uniqueMid();
        // as Meta sends it: non-ASCII as \\u escapes, '/' as '\/'
        String item = Events.message("7100000000000003", mid, 1718035300000L,
                "K\\u00e4se und Br\\u00f6tchen: https:\\/\\/example.com\\/menu").replace("},", "}, ");

        assertThat(webhook.post(Events.page(item)).statusCode()).isEqualTo(200);

        TextMessage stored = broker.receive("messenger.messages", 1).get(0);
        assertThat(stored.getText()).isEqualTo(item);
        assertThat(JSON.readTree(stored.getText()).at("/message/text").asText())
                .isEqualTo("Käse und Brötchen: https://example.com/menu");
    }

    @Test
    void aReserializedBodyDoesNotVerify() throws Exception {
        String escaped = Events.page(Events.message("7100000000000004", Events.uniqueMid(), 1718035301000L,
                "K\\u00e4se https:\\/\\/example.com"));
        String reserialized = JSON.writeValueAsString(JSON.readTree(escaped));
        assertThat(reserialized).contains("Käse").contains("https://example.com");
        String originalSignature = Webhook.sign(BridgeProcess.APP_SECRET, escaped.getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = webhook.post(reserialized.getBytes(StandardCharsets.UTF_8),
                "X-Hub-Signature-256", originalSignature, "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(403);
        broker.assertEmpty("messenger.messages");
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
        "'', 401",
        "sha1=0123456789abcdef0123456789abcdef01234567, 401",
        "sha256=, 401",
        "sha256=xyz, 401",
        "sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, 401",
        "sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, 403",
        "OTHER_SECRET, 403",
    })
    void signaturesMissingMalformedOrWrongAreRefused(String signature, int status) throws Exception {
        byte[] body = Events.page(Events.message("7100000000000005", Events.uniqueMid(), 1718035302000L, "x"))
                .getBytes(StandardCharsets.UTF_8);
        String header = signature.equals("OTHER_SECRET") ? Webhook.sign("another-app-secret", body) : signature;
        HttpResponse<String> response = header.isEmpty()
                ? webhook.post(body, "Content-Type", "application/json")
                : webhook.post(body, "X-Hub-Signature-256", header, "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(status);
        assertNothingEchoed(response, "sha256", "sha1");
        broker.assertEmpty("messenger.messages");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"object\":\"user\",\"entry\":[{\"id\":\"1\",\"time\":1,\"changes\":[{\"field\":\"name\"}]}]} | 404",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[]}                                       | 404",
        "not json at all                                                                                 | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"messaging\":[{}]}                     | 400",
        "[{\"object\":\"page\"}]                                                                         | 400",
        "{\"object\":\"page\"}                                                                           | 400",
        "{\"object\":\"page\",\"entry\":{\"id\":\"1\"}}                                                  | 400",
        "{\"object\":\"page\",\"entry\":[\"x\"]}                                                         | 400",
    })
    void requestsThatAreNotWebhookEnvelopesAreRefused(String body, int status) throws Exception {
        HttpResponse<String> response = webhook.post(body.strip());

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).hasSizeLessThan(40);
        broker.assertEmpty("messenger.messages", "messenger.unrouted");
    }

    @Test
    void bodyOfAnotherContentTypeIsRefused() throws Exception {
        byte[] body = Events.page(Events.message("7100000000000006", Events.uniqueMid(), 1718035303000L, "x"))
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = webhook.post(body, "X-Hub-Signature-256",
                Webhook.sign(BridgeProcess.APP_SECRET, body), "Content-Type", "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
        broker.assertEmpty("messenger.messages");
    }

    /** Request headers named like broker or Camel controls change nothing: JMS gets an allow-list. */
    @Test
    void requestHeadersNeverReachTheBrokerOrTheReply() throws Exception {
        String mid = Events.uniqueMid();
        byte[] body = Events.page(Events.message("7100000000000007", mid, 1718035304000L, "x"))
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = webhook.post(body, "X-Hub-Signature-256",
                Webhook.sign(BridgeProcess.APP_SECRET, body), "Content-Type", "application/json",
                "_AMQ_DUPL_ID", "forged-id", "JMSXGroupID", "forged-group", "_AMQ_SCHED_DELIVERY", "4102444800000",
                // queues the bridge's broker login may write to: only the bridge's allow-list keeps them empty
                "CamelJmsDestinationName", "messenger.forged", "jmsreplyto", "messenger.forged_replies",
                "X-Custom", "custom-value",
                // the same controls in other letter cases (CVE: case-sensitive JMS header filtering)
                "_amq_dupl_id", "forged-id-2", "JMSReplyTo", "messenger.forged_replies", "cameljmsdestinationname",
                "messenger.forged", "CAMELJMSDESTINATIONNAME", "messenger.forged", "jmsxgroupid", "forged-group",
                "_AMQ_Sched_Delivery", "4102444800000", "camelHttpUri", "http://127.0.0.1:1/forged");

        assertThat(response.statusCode()).isEqualTo(200);
        assertNothingEchoed(response, "forged", "custom-value", "X-Custom", "4102444800000");
        TextMessage stored = broker.receive("messenger.messages", 1).get(0);
        assertThat(propertyNames(stored)).isSubsetOf(ALLOWED_PROPERTIES);
        assertThat(stored.getStringProperty("_AMQ_DUPL_ID")).isEqualTo("page:messages:" + mid);
        assertThat(stored.getStringProperty("JMSXGroupID")).isEqualTo(Events.PAGE_ID + ":7100000000000007");
        assertThat(stored.getJMSReplyTo()).isNull();
        broker.assertEmpty("messenger.forged");
    }

    /** Meta resends events, batched as it likes: each is stored once, and Meta always gets its 200. */
    @Test
    void retriedEventsAreStoredOnceHoweverTheyAreBatched() throws Exception {
        String first = Events.message("7100000000000008", Events.uniqueMid(), 1718035305000L, "one");
        String second = Events.message("7100000000000008", Events.uniqueMid(), 1718035306000L, "two");

        assertThat(webhook.post(Events.page(first, second)).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.page(first)).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.page(second)).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.page(second, first)).statusCode()).isEqualTo(200);

        List<TextMessage> stored = broker.receive("messenger.messages", 2);
        assertThat(stored.get(0).getText()).isEqualTo(JSON.writeValueAsString(JSON.readTree(first)));
        assertThat(stored.get(1).getText()).isEqualTo(JSON.writeValueAsString(JSON.readTree(second)));
    }

    /**
     * /observe/metrics counts what happened: events by outcome, signature failures by reason, the
     * secret that matched, replies against Meta's 5 seconds, requests in flight; Camel's own too.
     */
    @Test
    void metricsCountEventsRefusalsAndReplies() throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        String[] items = {Events.message("7100000000000011", Events.uniqueMid(), 1718035307000L, "a"),
                Events.message("7100000000000011", Events.uniqueMid(), 1718035307001L, "b"),
                Events.message("7100000000000011", Events.uniqueMid(), 1718035307002L, "c")};
        byte[] body = Events.page(items).getBytes(StandardCharsets.UTF_8);

        assertThat(webhook.post(body).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.page(items[2], items[0], items[1])).statusCode()).as("Meta's retry")
                .isEqualTo(200);
        assertThat(webhook.post(body, "X-Hub-Signature-256", Webhook.sign("another secret", body), "Content-Type",
                "application/json").statusCode()).isEqualTo(403);
        assertThat(webhook.post(body, "Content-Type", "application/json").statusCode()).isEqualTo(401);
        broker.receive("messenger.messages", 3);

        String[] messages = {"object", "page", "field", "messages"};
        // a reply is timed once it is written: the scrape may come a moment before the last one
        Metrics after = Metrics.await(bridge.managementPort(), metrics -> delta(before, metrics,
                "bridge_webhook_reply_seconds_count", "status", "401") == 1);
        assertThat(delta(before, after, "bridge_events_total", with(messages, "outcome", "stored"))).isEqualTo(3);
        assertThat(delta(before, after, "bridge_events_total", with(messages, "outcome", "duplicate"))).isEqualTo(3);
        assertThat(delta(before, after, "bridge_signature_failures_total", "reason", "mismatch")).isEqualTo(1);
        assertThat(delta(before, after, "bridge_signature_failures_total", "reason", "missing")).isEqualTo(1);
        assertThat(delta(before, after, "bridge_webhook_rejected_total", "status", "401", "reason",
                "signature_missing")).isEqualTo(1);
        assertThat(delta(before, after, "bridge_signature_matched_total", "secret", "1")).isEqualTo(2);
        assertThat(delta(before, after, "bridge_webhook_reply_seconds_count", "status", "200")).isEqualTo(2);
        assertThat(delta(before, after, "bridge_webhook_reply_seconds_bucket", "status", "200", "le", "5.0"))
                .as("both inside Meta's 5 seconds").isEqualTo(2);
        assertThat(delta(before, after, "bridge_store_commit_seconds_count")).as("the first delivery's transaction")
                .isGreaterThanOrEqualTo(1);
        assertThat(after.value("bridge_webhook_in_flight")).isZero();
        assertThat(after.value("bridge_webhook_in_flight_limit")).isEqualTo(256);
        assertThat(after.has("camel_exchanges_total", "routeId", "webhook-receive")).as("Camel's route meters").isTrue();
        assertThat(after.has("camel_exchanges_total", "routeId", "event-routing"))
                .as("the routing table runs once per event: untimed (metrics.untimed-routes)").isFalse();
        assertThat(after.has("jvm_memory_used_bytes")).as("JVM meters").isTrue();
    }

    /**
     * Once the signature has proved a body is Meta's, refusing it only makes Meta send it again for
     * hours: a well-formed envelope with nothing to store is acknowledged, stores nothing, is counted.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"object\":\"page\",\"entry\":[]}",
        "{\"object\":\"page\",\"entry\":[{}]}",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"104851209876543\",\"time\":1718035201150}]}",
    })
    void aSignedEnvelopeWithNothingToStoreIsAcknowledged(String body) throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        long stored = broker.storedMessages();

        HttpResponse<String> response = webhook.post(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("EVENT_RECEIVED");
        assertThat(broker.storedMessages()).isEqualTo(stored);
        assertThat(delta(before, Metrics.scrape(bridge.managementPort()), "bridge_webhook_empty_total")).isEqualTo(1);
    }

    /** An array under an entry key the bridge does not know is parked item by item, the key named. */
    @Test
    void itemsOfAnArrayTheBridgeDoesNotKnowAreParkedOnUnrouted() throws Exception {
        String mid = Events.uniqueMid();
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Events.PAGE_ID + "\",\"time\":1718035309000,"
                + "\"hop_context\":[{\"app_id\":263902037430900,\"metadata\":\"a\"},{\"app_id\":2}],\"messaging\":["
                + Events.message("7100000000000012", mid, 1718035309000L, "beside") + "]}]}";

        assertThat(webhook.post(body).statusCode()).isEqualTo(200);

        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
        List<TextMessage> parked = broker.receive("messenger.unrouted", 2);
        assertThat(parked).allSatisfy(message -> {
            assertThat(message.getStringProperty("metaContainer")).isEqualTo("hop_context");
            assertThat(message.getStringProperty("metaField")).isEqualTo("unrouted");
            assertThat(message.getStringProperty("metaEntryId")).isEqualTo(Events.PAGE_ID);
        });
        assertThat(parked.get(0).getText()).isEqualTo("{\"app_id\":263902037430900,\"metadata\":\"a\"}");
    }

    /** Two copies of one event in one delivery: the broker would take both in one transaction. */
    @Test
    void anEventRepeatedInsideOneDeliveryIsStoredOnce() throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        String mid = Events.uniqueMid();
        String item = Events.message("7100000000000013", mid, 1718035310000L, "twice");

        assertThat(webhook.post(Events.page(item, item)).statusCode()).isEqualTo(200);

        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
        assertThat(delta(before, Metrics.scrape(bridge.managementPort()), "bridge_events_total", "object", "page",
                "field", "messages", "outcome", "duplicate")).isEqualTo(1);
    }

    /** Health, metrics and the viewer answer on this machine only; the webhook on every interface. */
    @Test
    void theManagementPortListensOnLoopbackOnly() throws Exception {
        InetAddress outside = Collections.list(NetworkInterface.getNetworkInterfaces())
                .stream().filter(nic -> !isLoopback(nic)).flatMap(nic -> Collections.list(
                        nic.getInetAddresses()).stream()).filter(Inet4Address.class::isInstance)
                .findFirst().orElseThrow(() -> new AssertionError("this test needs a non-loopback IPv4 address"));

        assertThat(canConnect(outside, bridge.httpPort())).as("webhook on %s", outside).isTrue();
        assertThat(canConnect(outside, bridge.managementPort())).as("management port on %s", outside).isFalse();
        assertThat(canConnect(InetAddress.getLoopbackAddress(), bridge.managementPort())).isTrue();
    }

    /** Health tells everyone the same: asking for details, exceptions or stack traces changes nothing. */
    @Test
    void healthIgnoresQueryParametersThatAskForDetails() throws Exception {
        HttpClient client = ManagementClient.HTTP;
        String base = "http://127.0.0.1:" + bridge.managementPort() + "/observe/health";
        for (String path : List.of("", "/ready")) {
            String plain = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String asked = client.send(HttpRequest.newBuilder(URI.create(base + path
                    + "?exposureLevel=full&stackTrace=true&data=true")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(asked).isEqualTo(plain).doesNotContain("checks").doesNotContain("stackTrace");
        }
    }

    private static boolean isLoopback(NetworkInterface nic) {
        try {
            return nic.isLoopback() || !nic.isUp();
        } catch (SocketException gone) {
            return true;
        }
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** The events viewer shows user data: without VIEWER_TOKEN it does not exist. */
    @Test
    void theEventsViewerIsOffUnlessConfigured() throws Exception {
        for (String path : List.of("/viewer", "/viewer/events")) {
            HttpResponse<String> response = ManagementClient.HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + bridge.managementPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
        }
    }

    private static double delta(Metrics before, Metrics after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static String[] with(String[] labels, String... more) {
        return Stream.concat(Stream.of(labels), Stream.of(more)).toArray(String[]::new);
    }

    /** The echo guard keeps echoes of the bot's own sends off the queues, and only those. */
    @Test
    void echoesOfTheBotsOwnAppAreNotQueued() throws Exception {
        String user = "7100000000000010";
        String ownMid = Events.uniqueMid();
        String inboxMid = Events.uniqueMid();

        HttpResponse<String> response = webhook.post(Events.page(
                Events.echo(user, ownMid, 1718035320000L, BridgeProcess.OWN_APP_ID),
                Events.echo(user, inboxMid, 1718035321000L, "263902037430900")));

        assertThat(response.statusCode()).isEqualTo(200);
        List<TextMessage> stored = broker.receive("messenger.message_echoes", 1);
        assertThat(stored.get(0).getStringProperty("metaMid")).isEqualTo(inboxMid);
        broker.assertEmpty("messenger.messages", "messenger.unrouted");
    }

    /**
     * Meta's retry storm: every request sent three times, re-batched in between, some events in
     * several entries. Each event is stored once and every reply is 200.
     */
    @Test
    void aRetryStormStoresEachEventExactlyOnce() throws Exception {
        List<String> messages = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String user = "73000000000000" + (10 + i % 3);
            messages.add(Events.message(user, Events.uniqueMid(), 1718035400000L + i, "storm " + i));
            reads.add(Events.read(user, 1718035500000L + i, 1718035450000L + i));
        }
        List<String> all = new ArrayList<>(messages);
        all.addAll(reads);
        List<String> reversed = new ArrayList<>(all);
        Collections.reverse(reversed);
        List<String> bodies = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            bodies.add(Events.page(all.toArray(String[]::new)));
            bodies.add(Events.page(all.subList(0, 4).toArray(String[]::new)));
            bodies.add(Events.page(all.subList(4, 12).toArray(String[]::new)));
            bodies.add(Events.page(reversed.subList(0, 5).toArray(String[]::new)));
        }

        for (String body : bodies) {
            assertThat(webhook.post(body).statusCode()).isEqualTo(200);
        }

        List<TextMessage> storedMessages = broker.receive("messenger.messages", 6);
        List<TextMessage> storedReads = broker.receive("messenger.message_reads", 6);
        assertThat(storedMessages).extracting(m -> JSON.readTree(m.getText()))
                .containsExactlyElementsOf(messages.stream().map(BridgeContract::tree).toList());
        assertThat(storedReads).extracting(m -> JSON.readTree(m.getText()))
                .containsExactlyElementsOf(reads.stream().map(BridgeContract::tree).toList());
    }

    /**
     * Three competing consumers, each taking its time: with JMSXGroupID every conversation is
     * handled by one consumer at a time, so each user's messages are handled in the order sent.
     */
    @Test
    void competingConsumersHandleEachConversationInOrder() throws Exception {
        int users = 4;
        int messagesPerUser = 15;
        for (int seq = 0; seq < messagesPerUser; seq++) {
            String[] items = new String[users];
            for (int user = 0; user < users; user++) {
                items[user] = Events.message("74000000000000" + (10 + user), Events.uniqueMid(),
                        1718035600000L + seq, "u" + user + "#" + seq);
            }
            assertThat(webhook.post(Events.page(items)).statusCode()).isEqualTo(200);
        }

        Map<String, List<Integer>> handledByUser = new LinkedHashMap<>();
        var done = new java.util.concurrent.CountDownLatch(users * messagesPerUser);
        var random = new java.util.Random(7);
        List<jakarta.jms.Session> sessions = new ArrayList<>();
        for (int consumer = 0; consumer < 3; consumer++) {
            jakarta.jms.Session session = broker.newSession();
            sessions.add(session);
            session.createConsumer(session.createQueue("messenger.messages")).setMessageListener(message -> {
                try {
                    String text = JSON.readTree(((TextMessage) message).getText()).at("/message/text").asText();
                    // a consumer's work takes a while, and not always the same while
                    Thread.sleep(random.nextInt(4));
                    synchronized (handledByUser) {
                        handledByUser.computeIfAbsent(text.substring(0, text.indexOf('#')), u -> new ArrayList<>())
                                .add(Integer.parseInt(text.substring(text.indexOf('#') + 1)));
                    }
                    done.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        try {
            assertThat(done.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("every message handled").isTrue();
        } finally {
            for (jakarta.jms.Session session : sessions) {
                session.close();
            }
        }

        List<Integer> inOrder = java.util.stream.IntStream.range(0, messagesPerUser).boxed().toList();
        assertThat(handledByUser).hasSize(users);
        handledByUser.forEach((user, handled) -> assertThat(handled).as(user).containsExactlyElementsOf(inOrder));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void assertStoredAs(TextMessage stored, Item expected) throws JMSException, Exception {
        JsonNode item = expected.item();
        assertThat(JSON.readTree(stored.getText())).isEqualTo(item);
        assertThat(stored.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
        assertThat(stored.getStringProperty("metaObject")).isEqualTo(expected.object());
        assertThat(stored.getStringProperty("metaEntryId")).isEqualTo(expected.entry().get("id").asText());
        assertThat(stored.getLongProperty("metaEntryTime")).isEqualTo(expected.entry().get("time").asLong());
        assertThat(stored.getBooleanProperty("metaStandby")).isEqualTo(expected.entry().has("standby"));
        assertThat(stored.getStringProperty("metaSenderId")).isEqualTo(textAt(item, "/sender/id"));
        assertThat(stored.getStringProperty("metaRecipientId")).isEqualTo(textAt(item, "/recipient/id"));
        if (item.has("timestamp")) {
            assertThat(stored.getLongProperty("metaTimestamp")).isEqualTo(item.get("timestamp").asLong());
        } else {
            assertThat(stored.propertyExists("metaTimestamp")).isFalse();
        }
        String mid = textAt(item, "/message/mid");
        if (mid != null) {
            assertThat(stored.getStringProperty("metaMid")).isEqualTo(mid);
        }
        assertThat(stored.getStringProperty("metaField")).isNotBlank();
        assertThat(stored.getStringProperty("_AMQ_DUPL_ID"))
                .startsWith(expected.object() + ":" + stored.getStringProperty("metaField") + ":");
        assertThat(stored.getStringProperty("JMSXGroupID")).startsWith(expected.entry().get("id").asText());
        assertThat(propertyNames(stored)).isSubsetOf(ALLOWED_PROPERTIES);
    }

    private record Item(String object, JsonNode entry, JsonNode item) {
    }

    private static List<Item> items(byte[] body) throws Exception {
        JsonNode root = JSON.readTree(body);
        List<Item> items = new ArrayList<>();
        for (JsonNode entry : root.get("entry")) {
            for (String container : List.of("messaging", "standby", "changes")) {
                for (JsonNode item : entry.path(container)) {
                    items.add(new Item(root.get("object").asText(), entry, item));
                }
            }
        }
        return items;
    }

    private static String textAt(JsonNode node, String pointer) {
        JsonNode value = node.at(pointer);
        return value.isMissingNode() ? null : value.asText();
    }

    private static Set<String> propertyNames(TextMessage message) throws JMSException {
        Set<String> names = new TreeSet<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            names.add((String) name);
        }
        return names;
    }

    private static List<String> repeat(String queue, int times) {
        return Collections.nCopies(times, queue);
    }

    static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    /** No header of the reply, name or value, and not its body, repeats anything the request carried. */
    static void assertNothingEchoed(HttpResponse<String> response, String... requestParts) {
        for (var header : response.headers().map().entrySet()) {
            for (String part : requestParts) {
                assertThat(header.getKey()).as("response header name").doesNotContainIgnoringCase(part);
                assertThat(header.getValue()).as("response header " + header.getKey())
                        .noneMatch(value -> value.toLowerCase().contains(part.toLowerCase()));
            }
        }
        for (String part : requestParts) {
            assertThat(response.body()).doesNotContainIgnoringCase(part);
        }
    }
}
