package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sink and broker URLs are logged at start: never with the credentials they may carry. */
class LoggableUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://crm:pw-4711@crm.internal/hook?access_token=tok-4711&page=1 | https://crm:xxxxxx@crm.internal/hook?access_token=xxxxxx&page=1",
        "(tcp://a:61616,tcp://b:61616)?ha=true&user=u&password=pw-4711       | (tcp://a:61616,tcp://b:61616)?ha=true&user=xxxxxx&password=xxxxxx",
        "https://crm.internal/hook?secret=s-4711&page=2                      | https://crm.internal/hook?secret=xxxxxx&page=2",
    })
    void credentialsAreMasked(String url, String logged) {
        assertThat(Settings.loggable(url)).isEqualTo(logged).doesNotContain("4711");
    }
}
