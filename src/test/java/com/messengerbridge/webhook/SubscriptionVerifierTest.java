package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubscriptionVerifierTest {

    private final SubscriptionVerifier verifier = new SubscriptionVerifier("my-token");

    @Test
    void theChallengeComesBackExactlyAsSent() {
        assertThat(verifier.verify("subscribe", "my-token", "1158201444")).isEqualTo("1158201444");
        assertThat(verifier.verify("subscribe", "my-token", "CHALLENGE_ACCEPTED")).isEqualTo("CHALLENGE_ACCEPTED");
        assertThat(verifier.verify("subscribe", "my-token", "007")).isEqualTo("007");
    }

    @ParameterizedTest(name = "mode={0} token={1} challenge={2} -> {3}")
    @CsvSource(nullValues = "NULL", value = {
        "subscribe,   wrong-token, 42,       403",
        "unsubscribe, my-token,    42,       403",
        "Subscribe,   my-token,    42,       403",
        "subscribe,   'my-token ', 42,       403",
        "NULL,        my-token,    42,       400",
        "subscribe,   NULL,        42,       400",
        "subscribe,   my-token,    NULL,     400",
        "subscribe,   my-token,    '',       400",
    })
    void refusals(String mode, String token, String challenge, int status) {
        assertThatThrownBy(() -> verifier.verify(mode, token, challenge))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(status));
    }

    @Test
    void aChallengeWithLineBreaksOrOfAbsurdLengthIsRefused() {
        assertThatThrownBy(() -> verifier.verify("subscribe", "my-token", "42\r\nSet-Cookie: x=1"))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> verifier.verify("subscribe", "my-token", "9".repeat(10_000)))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void withoutAConfiguredTokenNothingVerifies() {
        assertThatThrownBy(() -> new SubscriptionVerifier("").verify("subscribe", "", "42"))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    }
}
