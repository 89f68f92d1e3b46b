package com.messengerbridge.webhook;

import com.messengerbridge.observe.BridgeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * platform-http as the webhook needs it: bodies read within bounds before a request counts as in
 * flight, and the route routed asynchronously, so that a request waiting for the broker to confirm
 * its events holds no thread.
 * <p>
 * Camel's Vert.x consumer runs each exchange on a Vert.x worker thread and waits there until the
 * route ends; a route that stores asynchronously would still park that thread until the broker
 * commits, and the 20 worker threads would cap requests per second at 20 ÷ commit latency. This
 * consumer starts the route on a worker thread (it verifies an HMAC and reads JSON: not event-loop
 * work) and lets it go as soon as the route hands its events to the broker; the reply is written on
 * the request's event loop when the route calls back.
 * <p>
 * Before that, on the event loop: the body is read by {@link BodyReader} (size, time and bytes held
 * bounded), and only a request whose body is complete takes one of the {@link InFlightLimit}'s
 * places. A slow upload holds the bytes it has sent, never a place. Every reply is timed here,
 * refusals included.
 */
public final class AsyncHttpEngine extends VertxPlatformHttpEngine {

    /** Far more than any client sends (Meta sends about ten); the HTTP server bounds their size to 8 KiB. */
    static final int MAX_HEADERS = 64;

    private final BodyReader bodies;
    private final InFlightLimit inFlight;
    private final BridgeMetrics metrics;

    public AsyncHttpEngine(BodyReader bodies, InFlightLimit inFlight, BridgeMetrics metrics) {
        this.bodies = bodies;
        this.inFlight = inFlight;
        this.metrics = metrics;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        // the body is read here, within bounds, not by Camel's body handler
        endpoint.setUseBodyHandler(false);
        return new Consumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()), this);
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        private final AsyncHttpEngine engine;

        Consumer(PlatformHttpEndpoint endpoint, Processor processor,
                List<Handler<RoutingContext>> handlers, String routerName, AsyncHttpEngine engine) {
            super(endpoint, processor, handlers, routerName);
            this.engine = engine;
        }

        @Override
        protected void handleRequest(RoutingContext request) {
            PipeliningLimit.install(request.request().connection(), () -> engine.metrics.closed("pipelined"));
            long start = System.nanoTime();
            Held held = new Held();
            // runs once the reply is written or the connection is gone, whichever comes first
            request.addEndHandler(done -> {
                held.release(engine.inFlight);
                engine.metrics.replied(request.response().getStatusCode(), System.nanoTime() - start);
            });
            if (isSuspended()) {
                refuse(request, 503, "suspended", "not accepting requests now, retry later", false);
                return;
            }
            if (request.request().headers().size() > MAX_HEADERS) {
                refuse(request, 431, "headers", "more than " + MAX_HEADERS + " headers", true);
                return;
            }
            Exchange exchange = createExchange(false);
            // In only, though the route answers: the reply is written from the message as the route
            // leaves it (write, below), and an in-out exchange made Camel copy the message and its
            // headers after every bean that returns a value, and again before the step after it
            exchange.setPattern(ExchangePattern.InOnly);
            // the headers are copied before the body is read: Camel pauses the request for a later
            // reader, and an HTTP/2 request refuses that once its body is in
            processHttpRequest(exchange, request)
                    .compose(headersCopied -> engine.bodies.read(request.vertx(), request.request()))
                    .onComplete(read -> {
                        if (read.failed()) {
                            if (read.cause() instanceof BodyReader.Refused refused) {
                                releaseExchange(exchange, false);
                                refuse(request, refused.status(), refused.reason(), refused.getMessage(), true);
                            } else {
                                fail(request, exchange, read.cause());
                            }
                            return;
                        }
                        held.body = read.result();
                        if (!engine.inFlight.tryEnter(request.request().remoteAddress().host())) {
                            releaseExchange(exchange, false);
                            refuse(request, 503, "in_flight", InFlightLimit.REPLY, false);
                            return;
                        }
                        held.inFlight = true;
                        route(request, exchange, held.body.bytes());
                    });
        }

        /** Runs the route with the body read; the reply is written when the route calls back. */
        private void route(RoutingContext request, Exchange exchange, byte[] body) {
            Context eventLoop = request.vertx().getOrCreateContext();
            exchange.getMessage().setBody(body);
            // No handler on executeBlocking's result: one would bring it back to the event loop for every
            // request, a thread woken for nothing. A failure to start the route goes back on its own.
            request.vertx().executeBlocking(() -> {
                try {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange,
                            doneSync -> eventLoop.runOnContext(ignored -> reply(request, exchange)));
                } catch (Throwable failure) { // as Vert.x would have caught it: the request is answered 500
                    eventLoop.runOnContext(ignored -> fail(request, exchange, failure));
                }
                return null;
            }, false);
        }

        /**
         * Answers a request the route never sees. A request whose body was not read whole has its
         * HTTP/1.1 connection closed once the reply is written: what follows on it cannot be trusted
         * as a next request. An HTTP/2 stream ends alone; its frames cannot run into the next one.
         */
        private void refuse(RoutingContext request, int status, String reason, String reply, boolean close) {
            engine.metrics.refused(status, reason);
            HttpServerResponse response = request.response();
            if (response.ended() || response.closed()) {
                return;
            }
            response.setStatusCode(status).putHeader("Content-Type", "text/plain");
            if (status == 503) {
                response.putHeader("Retry-After", "1");
            }
            if (close && request.request().version() != HttpVersion.HTTP_2) {
                response.putHeader("Connection", "close");
                response.end(reply).onComplete(written -> request.request().connection().close());
            } else {
                response.end(reply);
            }
        }

        private void reply(RoutingContext request, Exchange exchange) {
            try {
                if (!request.response().ended()) {
                    write(request.response(), exchange, getEndpoint().getHeaderFilterStrategy());
                }
            } catch (RuntimeException failure) {
                getExceptionHandler().handleException("could not write the reply", exchange, failure);
                request.fail(failure);
            } finally {
                doneUoW(exchange);
                releaseExchange(exchange, false);
            }
        }

        /** What a request holds while it is answered: its body's bytes, and perhaps an in-flight place. */
        private static final class Held {
            BodyReader.Body body;
            boolean inFlight;

            void release(InFlightLimit limit) {
                if (body != null) {
                    body.close();
                    body = null;
                }
                if (inFlight) {
                    inFlight = false;
                    limit.leave();
                }
            }
        }

        private void fail(RoutingContext request, Exchange exchange, Throwable failure) {
            getExceptionHandler().handleException("Failed handling platform-http endpoint "
                    + getEndpoint().getPath(), failure);
            request.fail(failure);
            releaseExchange(exchange, false);
        }

        /**
         * The route's reply: its status, the headers the route set (Camel's own filtered out) and its
         * body. The routes answer every failure themselves; an exception left on the exchange is a
         * fault of the bridge, answered 500 without details.
         */
        static void write(HttpServerResponse response, Exchange exchange, HeaderFilterStrategy filter) {
            Message message = exchange.getMessage();
            if (exchange.getException() != null) {
                response.setStatusCode(500).putHeader("Content-Type", "text/plain").end("internal error");
                return;
            }
            Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            response.setStatusCode(status == null ? 200 : status);
            for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
                if (header.getValue() != null
                        && !filter.applyFilterToCamelHeaders(header.getKey(), header.getValue(), exchange)) {
                    response.putHeader(header.getKey(), header.getValue().toString());
                }
            }
            // the header filter keeps Content-Type from the headers copied above: set from the message
            String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
            if (contentType != null) {
                response.putHeader("Content-Type", contentType);
            }
            byte[] body = message.getBody(byte[].class);
            if (body == null) {
                response.end();
            } else {
                response.end(Buffer.buffer(body));
            }
        }
    }
}
