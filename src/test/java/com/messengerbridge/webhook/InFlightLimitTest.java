package com.messengerbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.messengerbridge.observe.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    private static final BridgeMetrics METRICS = new BridgeMetrics(new SimpleMeterRegistry());

    @Test
    void refusesPastTheLimitAndCountsTheRefusals() {
        InFlightLimit limit = new InFlightLimit(2, METRICS);

        assertThat(limit.tryEnter()).isTrue();
        assertThat(limit.tryEnter()).isTrue();
        assertThat(limit.tryEnter()).as("the third at once").isFalse();
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.refused()).isEqualTo(1);
    }

    @Test
    void aPlaceFreedIsAPlaceTaken() {
        InFlightLimit limit = new InFlightLimit(1, METRICS);
        limit.tryEnter();
        limit.leave();

        assertThat(limit.tryEnter()).isTrue();
        assertThat(limit.refused()).isZero();
    }

    @Test
    void aLimitBelowOneIsAConfigurationError() {
        assertThatThrownBy(() -> new InFlightLimit(0, METRICS)).hasMessageContaining("WEBHOOK_MAX_IN_FLIGHT");
    }
}
