package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.junit.jupiter.api.Test;

/** The bridge builds Camel's route meters itself; they still follow Camel Main's metrics settings. */
class RouteMetersTest {

    @Test
    void followCamelMainsNamingAndCamelInfoSettings() {
        MicrometerPrometheus camelMetrics = new MicrometerPrometheus();
        camelMetrics.setNamingStrategy("legacy");
        camelMetrics.setSkipCamelInfo(true);

        MicrometerRoutePolicyFactory meters = ObserveConfiguration.routeMeters(new SimpleMeterRegistry(), camelMetrics,
                "event-routing");

        assertThat(meters.getNamingStrategy()).isSameAs(MicrometerRoutePolicyNamingStrategy.LEGACY);
        assertThat(meters.isSkipCamelInfo()).isTrue();
    }

    @Test
    void keepTheDefaultsAndLeaveOutOnlyTheUntimedRoutes() {
        MicrometerRoutePolicyFactory meters = ObserveConfiguration.routeMeters(new SimpleMeterRegistry(),
                new MicrometerPrometheus(), "event-routing");

        assertThat(meters.getNamingStrategy()).isSameAs(MicrometerRoutePolicyNamingStrategy.DEFAULT);
        assertThat(meters.isSkipCamelInfo()).isFalse();
        assertThat(meters.getPolicyConfiguration().isContextEnabled()).isFalse();
        assertThat(meters.getPolicyConfiguration().getExcludePattern()).isEqualTo("event-routing");
    }
}
