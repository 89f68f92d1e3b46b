package com.messengerbridge.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SinkRetryPolicyTest {

    private final SinkRetryPolicy policy = new SinkRetryPolicy(5);

    @ParameterizedTest(name = "HTTP {0} -> retry {1}")
    @CsvSource({"500, true", "502, true", "503, true", "408, true", "429, true",
        "400, false", "401, false", "403, false", "404, false", "409, false", "422, false"})
    void retriesWhatMaySucceedLaterAndNothingElse(int status, boolean retried) {
        assertThat(policy.shouldRetry(failedWith(new HttpOperationFailedException("http://sink", status, "x", null,
                Map.of(), ""), 1))).isEqualTo(retried);
    }

    @Test
    void timeoutsAndConnectionFailuresAreRetried() {
        assertThat(policy.shouldRetry(failedWith(new SocketTimeoutException("read timed out"), 1))).isTrue();
        assertThat(policy.shouldRetry(failedWith(new java.net.ConnectException("refused"), 1))).isTrue();
    }

    @Test
    void stopsAtTheLastAttempt() {
        Exception failure = new HttpOperationFailedException("http://sink", 503, "x", null, Map.of(), "");

        assertThat(policy.shouldRetry(failedWith(failure, 4))).isTrue();
        assertThat(policy.shouldRetry(failedWith(failure, 5))).isFalse();
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterInSecondsCappedAtFiveMinutes() {
        Exchange asked = failedWith(new HttpOperationFailedException("http://sink", 429, "x", null,
                Map.of("retry-after", "7"), ""), 1);
        Exchange greedy = failedWith(new HttpOperationFailedException("http://sink", 429, "x", null,
                Map.of("Retry-After", "86400"), ""), 1);

        policy.shouldRetry(asked);
        policy.shouldRetry(greedy);

        assertThat(asked.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(7000L);
        assertThat(greedy.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(300_000L);
    }

    @Test
    void anotherFailureGoesBackToTheBackOff() {
        Exchange exchange = failedWith(new HttpOperationFailedException("http://sink", 503, "x", null, Map.of(), ""), 2);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 7000L);

        policy.shouldRetry(exchange);

        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    @Test
    void describesFailuresWithoutTheirContent() {
        assertThat(SinkRetryPolicy.describe(new HttpOperationFailedException("http://sink", 502, "x", null, Map.of(),
                "secret body"))).isEqualTo("HTTP 502");
        assertThat(SinkRetryPolicy.describe(new SocketTimeoutException())).isEqualTo("timeout");
    }

    private static Exchange failedWith(Exception failure, int failures) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_COUNTER, failures);
        return exchange;
    }
}
