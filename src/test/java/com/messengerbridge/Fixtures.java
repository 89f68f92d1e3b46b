package com.messengerbridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The request bodies of {@code src/test/resources/fixtures}, byte for byte as Meta sends them. */
public final class Fixtures {

    public static final List<String> ALL = List.of("messages.json", "message_echoes.json", "message_deliveries.json",
            "message_reads.json", "messaging_postbacks.json", "messaging_optins.json", "messaging_referrals.json",
            "messaging_account_linking.json", "messaging_checkout_updates.json", "messaging_game_plays.json",
            "messaging_handovers.json", "messaging_payments.json", "messaging_policy_enforcement.json",
            "messaging_pre_checkouts.json", "message_reactions.json", "message_edits.json",
            "messaging_feedback.json", "response_feedback.json", "send_cart.json", "standby.json",
            "instagram-messages.json", "instagram-message_reactions.json", "instagram-messaging_postbacks.json",
            "instagram-messaging_seen.json", "instagram-message_echoes.json", "instagram-comments.json", "page-feed.json",
            "batch-several-entries.json", "unicode-text.json");

    private Fixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
