package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void refusesPastTheLimitAndCountsTheRefusals() {
        InFlightLimit limit = new InFlightLimit(2);

        assertThat(limit.tryEnter("192.0.2.1")).isTrue();
        assertThat(limit.tryEnter("192.0.2.1")).isTrue();
        assertThat(limit.tryEnter("192.0.2.1")).as("the third at once").isFalse();
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.refused()).isEqualTo(1);
    }

    @Test
    void aPlaceFreedIsAPlaceTaken() {
        InFlightLimit limit = new InFlightLimit(1);
        limit.tryEnter("192.0.2.1");
        limit.leave();

        assertThat(limit.tryEnter("192.0.2.1")).isTrue();
        assertThat(limit.refused()).isZero();
    }

    @Test
    void aLimitBelowOneIsAConfigurationError() {
        assertThatThrownBy(() -> new InFlightLimit(0)).hasMessageContaining("WEBHOOK_MAX_IN_FLIGHT");
    }
}
