package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.Fixtures;
import com.messengerbridge.config.BrokerConfiguration;
import com.messengerbridge.config.ObserveConfiguration;
import com.messengerbridge.config.SinkConfiguration;
import com.messengerbridge.config.WebhookConfiguration;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routes of {@code routes/} in this JVM, started by Camel Main with the bridge's configuration
 * on the embedded broker: real HTTP in, the real broker read back in-VM, in seconds rather than a
 * process per class. What needs a process (a kill, an outage, HA, the container, the browser) is
 * in the {@code *IT} classes, which also run the whole contract against the packaged bridge.
 */
// the wiring of Application.WIRING, in its order
@CamelMainTest(configurationClasses = {ObserveConfiguration.class, SinkConfiguration.class,
    WebhookConfiguration.class, BrokerConfiguration.class}, properties = {
    "camel.main.routes-include-pattern=file:routes/*.camel.yaml",
    "meta.app-secret=" + BridgeProcess.APP_SECRET,
    "meta.verify-token=" + BridgeProcess.VERIFY_TOKEN,
    "broker.data-dir=target/in-process/artemis",
    "broker.embedded-acceptor=",
    "camel.main.file-configurations=target/in-process/none/*.properties",
})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesInProcessTest {

    private static final int HTTP_PORT = freePort();
    private static final int MANAGEMENT_PORT = freePort();

    private Webhook webhook;
    private BrokerClient broker;

    static {
        // ports free now, read by Camel Main from the JVM's properties; a fresh journal for each run
        System.setProperty("camel.server.port", Integer.toString(HTTP_PORT));
        System.setProperty("camel.management.port", Integer.toString(MANAGEMENT_PORT));
        try {
            ArtemisDistribution.deleteRecursively(Path.of("target/in-process"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try {
            return BridgeProcess.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    void connect() {
        webhook = new Webhook(HTTP_PORT, BridgeProcess.APP_SECRET);
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        try (BrokerClient client = broker()) {
            assertThat(client.storedMessages()).as("events stored beyond those the test read").isZero();
        } finally {
            broker = null;
        }
    }

    @AfterAll
    void clearPorts() {
        System.clearProperty("camel.server.port");
        System.clearProperty("camel.management.port");
    }

    /**
     * The embedded broker starts with the routes, which the extension may restart between test
     * methods: connect on first use in each.
     */
    private BrokerClient broker() throws Exception {
        if (broker == null) {
            broker = new BrokerClient("vm://0", null, null);
        }
        return broker;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.messengerbridge.it.BridgeContract#fixtures")
    void everyFixtureIsSplitIntoItsEventsEachOnItsQueue(String fixture, List<String> queues) throws Exception {
        assertThat(webhook.post(Fixtures.bytes(fixture)).body()).isEqualTo("EVENT_RECEIVED");

        Map<String, Integer> perQueue = new LinkedHashMap<>();
        queues.forEach(queue -> perQueue.merge(queue, 1, Integer::sum));
        for (Map.Entry<String, Integer> queue : perQueue.entrySet()) {
            List<TextMessage> stored = broker().receive(queue.getKey(), queue.getValue());
            assertThat(stored).allSatisfy(message -> assertThat(message.getText()).startsWith("{"));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "not json                                             | 400",
        "{\"object\":\"page\",\"entry\":[]} trailing             | 400",
        "[1,2,3]                                              | 400",
        "{\"entry\":[]}                                         | 400",
        "{\"object\":\"user\",\"entry\":[]}                       | 404",
        "{\"object\":\"page\",\"entry\":{}}                       | 400",
        "{\"object\":\"page\",\"entry\":[1]}                      | 400",
        "{\"object\":\"page\",\"entry\":[{\"messaging\":[{}]}]}   | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":{}}]} | 400",
    })
    void aDeliveryThatIsNotAnEnvelopeIsRefusedWhole(String body, int status) throws Exception {
        assertThat(webhook.post(body.strip()).statusCode()).isEqualTo(status);
    }

    @Test
    void bodiesNestedFarDeeperThanMetasAreRefused() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThat(webhook.post("{\"object\":\"page\",\"entry\":" + deep + "}").statusCode()).isEqualTo(400);
    }

    @Test
    void aDeliveryOfMoreThan10000EventsIsRefusedAndNoneOfItStored() throws Exception {
        String item = Events.message("7500000000000009", "m_many", 1718035700009L, "x");
        String many = Events.page(java.util.Collections.nCopies(10_001, item).toArray(String[]::new));
        assertThat(webhook.post(many).statusCode()).isEqualTo(413);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unsigned                | 401",
        "sha256=nothex           | 401",
        "sha256=0000000000000000000000000000000000000000000000000000000000000000 | 403",
    })
    void aSignatureMissingMalformedOrWrongIsRefused(String signature, int status) throws Exception {
        byte[] body = Events.page(Events.message("7500000000000010", Events.uniqueMid(), 1718035700010L, "sig"))
                .getBytes(StandardCharsets.UTF_8);
        var response = signature.equals("unsigned")
                ? webhook.post(body, "Content-Type", "application/json")
                : webhook.post(body, "Content-Type", "application/json", "X-Hub-Signature-256", signature);
        assertThat(response.statusCode()).isEqualTo(status);
    }

    @Test
    void refusalsAreCountedByStatusAndReason() throws Exception {
        byte[] body = Events.page(Events.message("7500000000000015", Events.uniqueMid(), 1718035700015L, "count"))
                .getBytes(StandardCharsets.UTF_8);
        webhook.post(body, "Content-Type", "application/json", "X-Hub-Signature-256", "sha256=" + "0".repeat(64));
        webhook.post("not json");

        String metrics = new Webhook(MANAGEMENT_PORT, "").get("/observe/metrics").body();
        assertThat(metrics)
                .containsPattern("bridge_webhook_rejected_total\\{reason=\"signature_mismatch\",status=\"403\"} [1-9]")
                .containsPattern("bridge_signature_failures_total\\{reason=\"mismatch\"} [1-9]")
                .containsPattern("bridge_webhook_rejected_total\\{reason=\"bad_request\",status=\"400\"} [1-9]");
    }

    @Test
    void aBodyOfAnotherContentTypeIsRefused() throws Exception {
        byte[] body = Events.page(Events.message("7500000000000011", Events.uniqueMid(), 1718035700011L, "type"))
                .getBytes(StandardCharsets.UTF_8);
        assertThat(webhook.post(body, "Content-Type", "text/plain", "X-Hub-Signature-256",
                Webhook.sign(BridgeProcess.APP_SECRET, body)).statusCode()).isEqualTo(415);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"object\":\"page\",\"entry\":[]}",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1}]}",
        "{\"object\":\"instagram\",\"entry\":[{}]}",
    })
    void aSignedEnvelopeWithNothingToStoreIsAcknowledged(String body) throws Exception {
        assertThat(webhook.post(body).body()).isEqualTo("EVENT_RECEIVED");
    }

    @Test
    void itemsOfAnArrayTheBridgeDoesNotKnowAreParkedOnUnrouted() throws Exception {
        String mid = Events.uniqueMid();
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Events.PAGE_ID + "\",\"time\":1,\"other\":["
                + Events.message("7500000000000012", mid, 1718035700012L, "other") + "]}]}";
        assertThat(webhook.post(body).body()).isEqualTo("EVENT_RECEIVED");

        TextMessage parked = broker().receive("messenger.unrouted", 1).get(0);
        assertThat(parked.getStringProperty("metaContainer")).isEqualTo("other");
        assertThat(parked.getText()).contains(mid);
    }

    @Test
    void theSameEventTwiceInOneDeliveryIsStoredOnce() throws Exception {
        String item = Events.message("7500000000000013", Events.uniqueMid(), 1718035700013L, "twice");
        assertThat(webhook.post(Events.page(item, item)).body()).isEqualTo("EVENT_RECEIVED");
        broker().receive("messenger.messages", 1);
    }

    @Test
    void theVerificationGetAnswersTheChallenge() throws Exception {
        var response = webhook.get("/webhook?hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN
                + "&hub.challenge=1158201444");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1158201444");
    }
}
