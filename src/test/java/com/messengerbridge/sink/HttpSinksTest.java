package com.messengerbridge.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.EventProperties;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSinksTest {

    private final CamelContext context = new DefaultCamelContext();
    private final HttpSinks sinks = new HttpSinks(context,
            Map.of("standby", new HttpSinks.Sink("standby", "http://audit:8080/standby", 1, "")), "");

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aTypeWithASinkRouteInYamlGoesToItsSinkWhileTheRouteExists() throws Exception {
        context.start();
        assertThat(sinks.shouldDeliver(event("feed", false))).isFalse();

        context.addRoutes(sinkRoute("feed"));
        assertThat(sinks.shouldDeliver(event("feed", false))).isTrue();
        assertThat(sinks.shouldDeliver(event("messages", false))).isFalse();

        context.getRouteController().stopRoute("http-sink-feed");
        assertThat(sinks.shouldDeliver(event("feed", false))).as("a stopped route still exists").isTrue();
        context.removeRoute("http-sink-feed");
        assertThat(sinks.shouldDeliver(event("feed", false))).isFalse();
    }

    @Test
    void theRoutesAddedBeforeTheSinksCountToo() throws Exception {
        CamelContext started = new DefaultCamelContext();
        started.addRoutes(sinkRoute("feed"));
        started.start();
        try {
            HttpSinks late = new HttpSinks(started, Map.of(), "");
            assertThat(late.shouldDeliver(event("feed", false))).isTrue();
        } finally {
            started.stop();
        }
    }

    @Test
    void aConfiguredSinkTakesItsTypeBeforeItsRouteIsMadeAndTheEchoGuardDropsOwnEchoes() {
        assertThat(sinks.shouldDeliver(event("standby", false))).isTrue();
        assertThat(sinks.shouldDeliver(event("standby", true))).isFalse();
        assertThat(sinks.shouldDeliver(new DefaultExchange(context))).as("no type").isFalse();
    }

    private Exchange event(String type, boolean ownEcho) {
        Exchange event = new DefaultExchange(context);
        event.setProperty(EventProperties.EVENT_TYPE, type);
        event.setProperty(EventProperties.OWN_ECHO, ownEcho);
        return event;
    }

    private static RouteBuilder sinkRoute(String type) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + type).routeId(HttpSinks.ROUTE_ID_PREFIX + type).to("log:" + type);
            }
        };
    }
}
