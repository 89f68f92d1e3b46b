package com.messengerbridge.sink;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Decides, after a failed delivery to a sink, whether to try again: timeouts, connection failures,
 * 5xx, 408 and 429 are retried (429 after its {@code Retry-After}); any other 4xx means the sink
 * will never take this event, so it goes to the dead-letter queue at once. Used as the error
 * handler's {@code retryWhile}, which Camel asks before it computes the back-off delay.
 */
public final class SinkRetryPolicy {

    /** Never wait longer than this for a sink's Retry-After, whatever it asks. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final int maxAttempts;

    public SinkRetryPolicy(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** Exchange property: how many attempts failed so far, for the dead-letter record. */
    public static final String FAILED_ATTEMPTS = "sinkFailedAttempts";

    public boolean shouldRetry(Exchange exchange) {
        // Camel counts this failure before it asks
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        exchange.setProperty(FAILED_ATTEMPTS, failures);
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        if (failures >= maxAttempts || refused(exchange) != null) {
            return false;
        }
        HttpOperationFailedException failed = httpFailure(exchange);
        if (failed == null) {
            return true; // timeout, refused connection, reset: the sink may be back soon
        }
        int status = failed.getStatusCode();
        if (status == 429) {
            retryAfter(failed).ifPresent(delay -> exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay));
            return true;
        }
        return status == 408 || status >= 500;
    }

    /** A message the sink route refused to deliver: retrying changes nothing. */
    private static SinkRequest.Refused refused(Exchange exchange) {
        return causeOf(exchange, SinkRequest.Refused.class);
    }

    /** The HTTP failure behind this attempt; the error handler keeps it aside while it decides. */
    private static HttpOperationFailedException httpFailure(Exchange exchange) {
        return causeOf(exchange, HttpOperationFailedException.class);
    }

    private static <T extends Throwable> T causeOf(Exchange exchange, Class<T> type) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static java.util.Optional<Long> retryAfter(HttpOperationFailedException failed) {
        String value = failed.getResponseHeaders() == null ? null : failed.getResponseHeaders().entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("Retry-After"))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
        if (value == null || value.isBlank()) {
            return java.util.Optional.empty();
        }
        long millis;
        try {
            millis = Duration.ofSeconds(Long.parseLong(value.strip())).toMillis();
        } catch (NumberFormatException notSeconds) {
            try {
                millis = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
            } catch (DateTimeParseException notADate) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(Math.max(0, Math.min(millis, MAX_RETRY_AFTER.toMillis())));
    }

    /** A short, payload-free description of the last failure, kept on a dead-lettered event. */
    public static String describe(Exception failure) {
        if (failure instanceof HttpOperationFailedException failed) {
            return "HTTP " + failed.getStatusCode();
        }
        if (failure instanceof HttpTimeoutException || failure instanceof java.net.SocketTimeoutException) {
            return "timeout";
        }
        if (failure instanceof SinkRequest.Refused refused) {
            return "refused: " + refused.getMessage();
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }
}
