package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.messengerbridge.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventClassifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookEnvelopeReader reader = new WebhookEnvelopeReader(Set.of("page", "instagram"));
    private final EventClassifier classifier = new EventClassifier(Map.of("page", "messenger", "instagram", "instagram"),
            Set.of());

    static Stream<Arguments> fieldsOfEveryFixtureItem() {
        return Stream.of(
                Arguments.of("messages.json", List.of("messages", "messages", "messages", "messages", "messages",
                        "messages", "messages", "messages")),
                Arguments.of("message_echoes.json", List.of("message_echoes", "message_echoes", "message_echoes")),
                Arguments.of("message_deliveries.json", List.of("message_deliveries", "message_deliveries")),
                Arguments.of("message_reads.json", List.of("message_reads")),
                Arguments.of("messaging_postbacks.json", List.of("messaging_postbacks", "messaging_postbacks")),
                Arguments.of("messaging_optins.json", List.of("messaging_optins", "messaging_optins",
                        "messaging_optins", "messaging_optins", "messaging_optins")),
                Arguments.of("messaging_referrals.json", List.of("messaging_referrals", "messaging_referrals",
                        "messaging_referrals")),
                Arguments.of("messaging_account_linking.json", List.of("messaging_account_linking",
                        "messaging_account_linking")),
                Arguments.of("messaging_checkout_updates.json", List.of("messaging_checkout_updates")),
                Arguments.of("messaging_game_plays.json", List.of("messaging_game_plays")),
                Arguments.of("messaging_handovers.json", List.of("messaging_handovers", "messaging_handovers",
                        "messaging_handovers", "messaging_handovers")),
                Arguments.of("messaging_payments.json", List.of("messaging_payments")),
                Arguments.of("messaging_policy_enforcement.json", List.of("messaging_policy_enforcement",
                        "messaging_policy_enforcement")),
                Arguments.of("messaging_pre_checkouts.json", List.of("messaging_pre_checkouts")),
                Arguments.of("message_reactions.json", List.of("message_reactions", "message_reactions")),
                Arguments.of("message_edits.json", List.of("message_edits")),
                Arguments.of("messaging_feedback.json", List.of("messaging_feedback")),
                Arguments.of("response_feedback.json", List.of("response_feedback")),
                Arguments.of("send_cart.json", List.of("send_cart")),
                Arguments.of("standby.json", List.of("messages", "message_echoes", "message_reads",
                        "messaging_postbacks")),
                Arguments.of("instagram-messages.json", List.of("messages", "message_echoes", "messages", "messages",
                        "messages", "messages", "messages", "messages")),
                Arguments.of("instagram-message_reactions.json", List.of("message_reactions", "message_reactions")),
                Arguments.of("instagram-messaging_postbacks.json", List.of("messaging_postbacks")),
                Arguments.of("instagram-messaging_seen.json", List.of("message_reads", "message_reads")),
                Arguments.of("instagram-message_echoes.json", List.of("message_echoes", "message_echoes")),
                Arguments.of("instagram-comments.json", List.of("comments", "comments", "mentions")),
                Arguments.of("page-feed.json", List.of("feed")),
                Arguments.of("batch-several-entries.json", List.of("messages", "messages", "message_reads", "messages",
                        "messaging_postbacks", "message_deliveries", "messages", "message_reads")),
                Arguments.of("unicode-text.json", List.of("messages")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsOfEveryFixtureItem")
    void everyFixtureItemHasItsWebhookField(String fixture, List<String> fields) {
        List<WebhookEvent> events = reader.read(Fixtures.bytes(fixture));

        assertThat(events).extracting(event -> classifier.describe(event).field()).containsExactlyElementsOf(fields);
    }

    /** Distinct events never share a de-duplication id on one queue, or one of them would be lost. */
    @Test
    void noTwoFixtureEventsShareADeduplicationId() {
        Map<String, String> fixtureById = new HashMap<>();
        for (String fixture : Fixtures.ALL) {
            for (WebhookEvent event : reader.read(Fixtures.bytes(fixture))) {
                String id = event.container() + "/" + classifier.describe(event).deduplicationId();
                assertThat(fixtureById.put(id, fixture)).as("%s in %s", id, fixture).isNull();
            }
        }
        assertThat(fixtureById).hasSize(74);
    }

    /** The Instagram deletion notice repeats the mid of the message it deletes. */
    @Test
    void aDeletionIsNotADuplicateOfTheMessageItDeletes() {
        List<WebhookEvent> events = reader.read(Fixtures.bytes("instagram-messages.json"));

        assertThat(events.get(6).item().at("/message/mid")).isEqualTo(events.get(0).item().at("/message/mid"));
        assertThat(classifier.describe(events.get(6)).deduplicationId())
                .isNotEqualTo(classifier.describe(events.get(0)).deduplicationId());
    }

    @Test
    void aRetriedEventHasTheSameIdInAnotherBatch() throws Exception {
        WebhookEvent original = reader.read(Fixtures.bytes("messages.json")).get(2);
        ObjectNode item = (ObjectNode) JSON.readTree(JSON.writeValueAsString(original.item()));
        WebhookEvent retried = new WebhookEvent("page", original.entryId(), 1718035999999L,
                WebhookEvent.Container.MESSAGING, item);

        assertThat(classifier.describe(retried).deduplicationId())
                .isEqualTo(classifier.describe(original).deduplicationId())
                .isEqualTo("page:messages:m_FAKE0003AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz01");
    }

    @Test
    void idsOfMessengerAndInstagramAreSeparateSpaces() throws Exception {
        ObjectNode item = (ObjectNode) JSON.readTree(
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"2\"},\"timestamp\":3,\"message\":{\"mid\":\"m_1\"}}");

        assertThat(classifier.describe(new WebhookEvent("page", "2", 3L, WebhookEvent.Container.MESSAGING, item))
                .deduplicationId()).isEqualTo("page:messages:m_1");
        assertThat(classifier.describe(new WebhookEvent("instagram", "2", 3L, WebhookEvent.Container.MESSAGING, item))
                .deduplicationId()).isEqualTo("instagram:messages:m_1");
    }

    @Test
    void theConversationIsPageAndUserWhicheverWayTheItemIsAddressed() {
        List<WebhookEvent> messages = reader.read(Fixtures.bytes("instagram-messages.json"));
        List<WebhookEvent> handovers = reader.read(Fixtures.bytes("messaging_handovers.json"));
        List<WebhookEvent> optins = reader.read(Fixtures.bytes("messaging_optins.json"));

        assertThat(classifier.describe(messages.get(0)).groupId()).isEqualTo("17841400000000123:1122334455667788");
        assertThat(classifier.describe(messages.get(1)).groupId()).as("echo: sender and recipient swapped")
                .isEqualTo("17841400000000123:1122334455667788");
        assertThat(classifier.describe(handovers.get(3)).groupId()).as("app_roles has no user")
                .isEqualTo("104851209876543");
        assertThat(classifier.describe(optins.get(1)).groupId()).as("checkbox opt-in: user_ref")
                .isEqualTo("104851209876543:UREF_8f14e45fceea167a5a36dedd4bea2543");
    }

    @Test
    void anUnknownKeyKeepsItsNameAndIsIdentifiedByItsContent() throws Exception {
        ObjectNode item = (ObjectNode) JSON.readTree(
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"2\"},\"timestamp\":3,\"brand_new\":{\"x\":1}}");
        ObjectNode other = (ObjectNode) JSON.readTree(
                "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"2\"},\"timestamp\":3,\"brand_new\":{\"x\":2}}");

        var description = classifier.describe(new WebhookEvent("page", "2", 3L, WebhookEvent.Container.MESSAGING, item));
        var otherDescription = classifier.describe(
                new WebhookEvent("page", "2", 3L, WebhookEvent.Container.MESSAGING, other));

        assertThat(description.field()).isEqualTo("brand_new");
        assertThat(description.deduplicationId()).startsWith("page:brand_new:")
                .isNotEqualTo(otherDescription.deduplicationId());
    }

    @Test
    void aChangeFieldThatIsNoPlainNameIsUnrouted() throws Exception {
        ObjectNode change = (ObjectNode) JSON.readTree("{\"field\":\"../../etc\",\"value\":{}}");

        assertThat(classifier.describe(new WebhookEvent("page", "2", 3L, WebhookEvent.Container.CHANGES, change))
                .field()).isEqualTo("unrouted");
    }
}
