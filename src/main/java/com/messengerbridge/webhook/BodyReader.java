package com.messengerbridge.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a webhook request's body into memory, within three bounds, before the request takes an
 * in-flight place: so a slow or stalled upload holds only the bytes it has sent, never a place that
 * Meta's requests need.
 * <ul>
 * <li>its size: a {@code Content-Length} over {@code WEBHOOK_MAX_BODY_BYTES} is a 413 before a byte
 * is read; an HTTP/1.1 body without one (chunked) is a 411, so the only framing is
 * {@code Content-Length} and no request can be read two ways (request smuggling). An HTTP/2 stream
 * frames its own body, which is then bounded as it arrives;</li>
 * <li>its time: a body not complete within {@code WEBHOOK_BODY_TIMEOUT_MS} of its headers is a 408.
 * Meta sends whole bodies at once, and answers later than its 5 seconds are failures anyway;</li>
 * <li>the bytes held: every body being read or answered shares {@code WEBHOOK_MAX_IN_FLIGHT_BYTES},
 * charged as the bytes arrive, not as {@code Content-Length} announces them. A request whose bytes
 * would pass it is a 503 with {@code Retry-After}.</li>
 * </ul>
 * Each refusal closes the connection: the rest of its body is never read.
 */
public final class BodyReader implements MeterBinder {

    private final long maxBodyBytes;
    private final long maxBytesInFlight;
    private final long timeoutMillis;
    private final AtomicLong bytesInFlight = new AtomicLong();

    public BodyReader(long maxBodyBytes, long maxBytesInFlight, long timeoutMillis) {
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8 || maxBytesInFlight < maxBodyBytes) {
            throw new IllegalArgumentException("WEBHOOK_MAX_IN_FLIGHT_BYTES (" + maxBytesInFlight
                    + ") must be at least WEBHOOK_MAX_BODY_BYTES (" + maxBodyBytes + "), which must be between 1 and 2 GiB");
        }
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("WEBHOOK_BODY_TIMEOUT_MS must be positive, not " + timeoutMillis);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.maxBytesInFlight = maxBytesInFlight;
        this.timeoutMillis = timeoutMillis;
    }

    /** A body read whole, and its share of the bytes in flight, given back by {@link #close()}. */
    public final class Body implements AutoCloseable {
        private final byte[] bytes;
        private long charged;

        private Body(byte[] bytes, long charged) {
            this.bytes = bytes;
            this.charged = charged;
        }

        public byte[] bytes() {
            return bytes;
        }

        @Override
        public void close() {
            bytesInFlight.addAndGet(-charged);
            charged = 0;
        }
    }

    /** Why a body was not read: the status, the short reply, and the reason counted in the metrics. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String reason;

        Refused(int status, String reason, String reply) {
            super(reply, null, false, false);
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }
    }

    /** Reads the body; called on the request's event loop as soon as its headers are in. */
    public Future<Body> read(Vertx vertx, HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return Future.failedFuture(new Refused(411, "length_required",
                    "send the body with a Content-Length; Transfer-Encoding is not accepted"));
        }
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null && request.version() == HttpVersion.HTTP_2) {
            // an HTTP/2 stream frames its body itself: read it up to the largest body taken
            return new Reading(vertx, request, maxBodyBytes, false).promise.future();
        }
        long length;
        try {
            length = header == null ? 0 : Long.parseLong(header);
        } catch (NumberFormatException malformed) {
            return Future.failedFuture(new Refused(400, "content_length", "malformed Content-Length"));
        }
        if (length > maxBodyBytes) {
            return Future.failedFuture(tooLarge());
        }
        if (length == 0 || request.isEnded()) {
            return Future.succeededFuture(new Body(new byte[0], 0));
        }
        return new Reading(vertx, request, length, true).promise.future();
    }

    private Refused tooLarge() {
        return new Refused(413, "too_large", "body larger than " + maxBodyBytes + " bytes");
    }

    public long bytesInFlight() {
        return bytesInFlight.get();
    }

    public long maxBytesInFlight() {
        return maxBytesInFlight;
    }

    /** Takes bytes from the shared allowance, or none when they would pass it. */
    private boolean charge(long bytes) {
        long held;
        do {
            held = bytesInFlight.get();
            if (held + bytes > maxBytesInFlight) {
                return false;
            }
        } while (!bytesInFlight.compareAndSet(held, held + bytes));
        return true;
    }

    /** One body on its way in. Every method runs on the request's event loop. */
    private final class Reading {
        final Promise<Body> promise = Promise.promise();
        private final Vertx vertx;
        private final HttpServerRequest request;
        private final long length;
        private final boolean lengthDeclared;
        private final long timer;
        private final List<Buffer> chunks = new ArrayList<>();
        private long received;
        private long charged;

        Reading(Vertx vertx, HttpServerRequest request, long length, boolean lengthDeclared) {
            this.vertx = vertx;
            this.request = request;
            this.length = length;
            this.lengthDeclared = lengthDeclared;
            request.pause();
            timer = vertx.setTimer(timeoutMillis, fired -> refuse(new Refused(408, "body_timeout",
                    "request body not received within " + timeoutMillis + " ms")));
            request.handler(this::append);
            request.endHandler(ended -> end());
            request.exceptionHandler(this::fail);
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                request.response().writeContinue();
            }
            request.resume();
        }

        private void append(Buffer chunk) {
            if (done()) {
                return;
            }
            received += chunk.length();
            if (received > length) {
                refuse(lengthDeclared ? new Refused(400, "content_length", "body longer than its Content-Length")
                        : tooLarge());
            } else if (!charge(chunk.length())) {
                refuse(new Refused(503, "bytes_in_flight", "too many request bytes in flight, retry later"));
            } else {
                charged += chunk.length();
                chunks.add(chunk);
            }
        }

        private void end() {
            if (done()) {
                return;
            }
            if (lengthDeclared && received != length) {
                refuse(new Refused(400, "content_length", "body shorter than its Content-Length"));
                return;
            }
            vertx.cancelTimer(timer);
            byte[] bytes = new byte[(int) received];
            int at = 0;
            for (Buffer chunk : chunks) {
                chunk.getBytes(bytes, at);
                at += chunk.length();
            }
            chunks.clear();
            promise.complete(new Body(bytes, charged));
        }

        private void fail(Throwable failure) {
            if (!done()) {
                refuse(new Refused(400, "body_unreadable", "request body could not be read"));
            }
        }

        private void refuse(Refused refused) {
            if (done()) {
                return;
            }
            vertx.cancelTimer(timer);
            chunks.clear();
            bytesInFlight.addAndGet(-charged);
            charged = 0;
            promise.fail(refused);
        }

        private boolean done() {
            return promise.future().isComplete();
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("bridge.webhook.in.flight.bytes", this, BodyReader::bytesInFlight)
                .description("Bytes of request bodies being read or answered now").baseUnit("bytes").register(registry);
        Gauge.builder("bridge.webhook.in.flight.bytes.limit", this, BodyReader::maxBytesInFlight)
                .description("WEBHOOK_MAX_IN_FLIGHT_BYTES").register(registry);
    }
}
