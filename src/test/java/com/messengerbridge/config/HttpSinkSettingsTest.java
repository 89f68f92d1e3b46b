package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.messengerbridge.sink.HttpSinks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSinkSettingsTest {

    @Test
    void aSinkPerTypeFromTheEnvironmentWithItsOwnSettings() {
        Map<String, HttpSinks.Sink> sinks = HttpSinkSettings.read(variables(
                "SINK_HTTP_MESSAGING_POSTBACKS", "https://crm.internal/postbacks",
                "SINK_HTTP_MESSAGING_POSTBACKS_CONCURRENCY", "4",
                "SINK_HTTP_MESSAGING_POSTBACKS_SECRET", "crm-secret",
                "SINK_HTTP_STANDBY", "http://audit:8080/standby",
                "SINK_HTTP_SECRET", "shared-secret",
                "SINK_HTTP_MAX_ATTEMPTS", "3",
                "SINK_HTTP_TIMEOUT_MS", "500",
                "PATH", "/usr/bin"));

        assertThat(sinks).containsOnlyKeys("messaging_postbacks", "standby");
        assertThat(sinks.get("messaging_postbacks"))
                .isEqualTo(new HttpSinks.Sink("messaging_postbacks", "https://crm.internal/postbacks", 4, "crm-secret"));
        assertThat(sinks.get("standby")).isEqualTo(new HttpSinks.Sink("standby", "http://audit:8080/standby", 1, ""));
    }

    @Test
    void orFromProperties() {
        Map<String, HttpSinks.Sink> sinks = HttpSinkSettings.read(Map.of(
                "sink.http.feed", "https://social.internal/feed", "sink.http.feed.concurrency", "2",
                "sink.http.retry-delay-ms", "1000", "sink.http.secret", ""));

        assertThat(sinks).containsOnlyKeys("feed");
        assertThat(sinks.get("feed").concurrency()).isEqualTo(2);
    }

    /** The URL's query would set Camel's HTTP client options: refused, in any letter case. */
    @Test
    void refusesCamelOptionsInASinkUrl() {
        java.util.Set<String> camelOptions = java.util.Set.of("followRedirects", "transferException");
        HttpSinkSettings.refuseCamelOptions(new HttpSinks.Sink("feed", "https://crm.internal/x?page=1&q=a%20b", 1, ""),
                camelOptions);

        for (String url : List.of("https://crm.internal/x?followRedirects=true", "https://crm.internal/x?a=1&TRANSFEREXCEPTION=true")) {
            assertThatThrownBy(() -> HttpSinkSettings.refuseCamelOptions(new HttpSinks.Sink("feed", url, 1, ""),
                    camelOptions)).hasMessageContaining("option of Camel's HTTP client");
        }
    }

    @Test
    void refusesWhatCannotBeASink() {
        assertThatThrownBy(() -> HttpSinkSettings.read(variables("SINK_HTTP_MESSAGES", "ftp://files/x")))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> HttpSinkSettings.read(variables("SINK_HTTP_MESSAGES", "http://x",
                "SINK_HTTP_MESSAGES_CONCURRENCY", "0"))).hasMessageContaining("concurrency");
    }

    @Test
    void variablesAreThePropertiesTheyStandFor() {
        SinkVariables variables = new SinkVariables(Map.of("SINK_HTTP_MESSAGE_READS", "https://a/reads",
                "SINK_HTTP_MESSAGE_READS_SECRET", "s", "SINK_HTTP_RETRY_DELAY_MS", "250", "HOME", "/root"));

        assertThat(variables.loadProperties()).containsOnly(Map.entry("sink.http.message_reads", "https://a/reads"),
                Map.entry("sink.http.message_reads.secret", "s"), Map.entry("sink.http.retry-delay-ms", "250"));
        assertThat(variables.getProperty("sink.http.retry-delay-ms")).isEqualTo("250");
        assertThat(variables.loadProperties(key -> key.endsWith(".secret"))).containsOnlyKeys("sink.http.message_reads.secret");
    }

    private static Map<String, Object> variables(String... namesAndValues) {
        Map<String, String> environment = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            environment.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        Map<String, Object> properties = new java.util.HashMap<>();
        new SinkVariables(environment).loadProperties().forEach((key, value) -> properties.put(key.toString(), value));
        return properties;
    }
}
