package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.messengerbridge.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookEnvelopeReaderTest {

    private final WebhookEnvelopeReader reader = new WebhookEnvelopeReader(Set.of("page", "instagram"));

    @ParameterizedTest(name = "{0}: {1} events")
    @CsvSource({
        "messages.json, 8", "message_echoes.json, 3", "message_deliveries.json, 2", "message_reads.json, 1",
        "messaging_optins.json, 5", "messaging_handovers.json, 4", "standby.json, 4",
        "instagram-messages.json, 8", "instagram-message_reactions.json, 2",
    })
    void splitsEveryEntryAndEveryItem(String fixture, int events) {
        assertThat(reader.read(Fixtures.bytes(fixture))).hasSize(events);
    }

    @Test
    void keepsTheEnvelopeOfEachItem() {
        List<WebhookEvent> events = reader.read(Fixtures.bytes("standby.json"));

        assertThat(events).allSatisfy(event -> {
            assertThat(event.object()).isEqualTo("page");
            assertThat(event.entryId()).isEqualTo("104851209876543");
            assertThat(event.container()).isEqualTo(WebhookEvent.Container.STANDBY);
        });
        assertThat(events).extracting(WebhookEvent::entryTime)
                .containsExactly(1718035237150L, 1718035238150L, 1718035239150L, 1718035240150L);
    }

    @Test
    void readsEveryContainerOfAnEntryInOrder() {
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":5,\"messaging\":[{\"a\":1},{\"a\":2}],"
                + "\"changes\":[{\"field\":\"feed\",\"value\":{}}]},{\"id\":2,\"standby\":[{\"b\":1}]}]}";

        List<WebhookEvent> events = reader.read(body.getBytes(StandardCharsets.UTF_8));

        assertThat(events).extracting(WebhookEvent::container).containsExactly(WebhookEvent.Container.MESSAGING,
                WebhookEvent.Container.MESSAGING, WebhookEvent.Container.CHANGES, WebhookEvent.Container.STANDBY);
        assertThat(events.get(3).entryId()).isEqualTo("2");
        assertThat(events.get(3).entryTime()).isNull();
    }

    @Test
    void readEnvelopeGivesTheRouteEveryEventOfEveryEntryToSplitAndTheirCount() {
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"a\":1},{\"a\":2}]},"
                + "{\"id\":\"2\",\"standby\":[{\"b\":1}]},{\"id\":\"3\",\"messaging\":[]}]}";
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());

        List<WebhookEvent> events = reader.readEnvelope(body.getBytes(StandardCharsets.UTF_8), exchange);

        assertThat(events).extracting(WebhookEvent::entryId).containsExactly("1", "1", "2");
        assertThat(events).extracting(event -> event.item().toString())
                .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"b\":1}");
        assertThat(exchange.getProperty(WebhookEnvelopeReader.EVENT_COUNT)).isEqualTo(3);
    }

    /**
     * Each item keeps its JSON as Meta sent it, escapes and spacing included, whatever comes before it
     * in the body: several-byte characters, a byte order mark, other entries and keys.
     */
    @Test
    void keepsEachItemsJsonAsMetaSentIt() {
        String first = "{\"sender\":{\"id\":\"1\"},\"message\":{\"text\":\"K\\u00e4se: https:\\/\\/x.example\"}}";
        String second = "{ \"message\" : { \"text\" : \"Crème brûlée 😀 你好\", \"n\": [1, {\"a\": null}] } }";
        String change = "{\"field\":\"feed\",\"value\":{\"item\":\"post\"}}";
        String body = "\uFEFF{ \"entry\": [ {\"id\":\"é1\", \"time\": 5, \"messaging\": [ " + first + " ,\n " + second
                + " ]}, {\"id\":\"2\",\"changes\":[" + change + "],\"hop\":[\"x\", 7]} ], \"object\": \"page\" }";

        List<WebhookEvent> events = reader.read(body.getBytes(StandardCharsets.UTF_8));

        assertThat(events).extracting(WebhookEvent::json).containsExactly(first, second, change, null, null);
        assertThat(events.get(1).item().at("/message/text").asText()).isEqualTo("Crème brûlée 😀 你好");
        assertThat(events.get(0).entryId()).isEqualTo("é1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                                                                       | 400",
        "{\"object\":\"page\",\"entry\":[                                           | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"a\":1}        | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"a\":1}]}]}}      | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"a\":}]}]}        | 400",
        "{\"object\":\"page\",\"entry\":[]} trailing                                | 400",
        "\"page\"                                                                 | 400",
        "[]                                                                       | 400",
        "{\"entry\":[]}                                                           | 400",
        "{\"object\":7,\"entry\":[]}                                              | 400",
        "{\"object\":\"user\",\"entry\":[{\"id\":\"1\",\"changes\":[]}]}          | 404",
        "{\"object\":\"page\"}                                                    | 400",
        "{\"object\":\"page\",\"entry\":{}}                                       | 400",
        "{\"object\":\"page\",\"entry\":[1]}                                      | 400",
        "{\"object\":\"page\",\"entry\":[{\"time\":1,\"messaging\":[{}]}]}        | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":{}}]}        | 400",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[\"x\"]}]}   | 400",
    })
    void refusesWhatIsNotAnEnvelope(String body, int status) {
        assertThatThrownBy(() -> reader.read(body.strip().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(status));
    }

    /** Signed and well formed, with nothing to store: acknowledged, or Meta would resend it for hours. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"object\":\"page\",\"entry\":[]}",
        "{\"object\":\"page\",\"entry\":[{}]}",
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":5}]}",
        "{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[]}]}",
    })
    void anEnvelopeWithNothingToStoreHasNoEvents(String body) {
        assertThat(reader.read(body.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    /** An array under a key the bridge does not know: each item is an event to park, whatever it holds. */
    @Test
    void takesArraysUnderUnknownKeysItemByItem() {
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"hop_context\":[{\"app_id\":7},\"x\"],"
                + "\"messaging\":[{\"a\":1}],\"uid\":\"u\"}]}";

        List<WebhookEvent> events = reader.read(body.getBytes(StandardCharsets.UTF_8));

        assertThat(events).extracting(WebhookEvent::containerKey).containsExactly("hop_context", "hop_context",
                "messaging");
        assertThat(events).extracting(WebhookEvent::container).containsExactly(WebhookEvent.Container.OTHER,
                WebhookEvent.Container.OTHER, WebhookEvent.Container.MESSAGING);
        assertThat(events.get(1).item().asText()).isEqualTo("x");
    }

    /** Meta batches up to 1,000 events: ten thousand is the most a delivery may hold, one more is a 413. */
    @Test
    void refusesADeliveryOfMoreThanTenThousandEvents() {
        assertThat(reader.read(envelopeOf(10_000))).hasSize(10_000);
        assertThatThrownBy(() -> reader.read(envelopeOf(10_001)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(413));
    }

    private static byte[] envelopeOf(int items) {
        String messaging = String.join(",", java.util.Collections.nCopies(items, "{\"a\":1}"));
        return ("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[" + messaging + "]}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void refusesDeeplyNestedJsonWithoutExhaustingTheStack() {
        String deep = "{\"object\":\"page\",\"entry\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}";

        assertThatThrownBy(() -> reader.read(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(400));
    }

    @ParameterizedTest
    @CsvSource({"application/json", "application/json; charset=utf-8", "Application/JSON"})
    void acceptsJsonContent(String contentType) {
        reader.requireJson(contentType);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"NULL", "text/plain", "application/x-www-form-urlencoded", "''"})
    void refusesOtherContent(String contentType) {
        assertThatThrownBy(() -> reader.requireJson(contentType))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(415));
    }
}
