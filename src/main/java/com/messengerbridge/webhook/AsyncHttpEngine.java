package com.messengerbridge.webhook;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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
 * platform-http as the webhook needs it: the route is routed asynchronously, so that a request
 * waiting for the broker to confirm its events holds no thread.
 * <p>
 * Camel's Vert.x consumer runs each exchange on a Vert.x worker thread and waits there until the
 * route ends; a route that stores asynchronously would still park that thread until the broker
 * commits, and the 20 worker threads would cap requests per second at 20 ÷ commit latency. This
 * consumer starts the route on a worker thread (it verifies an HMAC and reads JSON: not event-loop
 * work) and lets it go as soon as the route hands its events to the broker; the reply is written on
 * the request's event loop when the route calls back.
 */
public final class AsyncHttpEngine extends VertxPlatformHttpEngine {

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor,
                List<Handler<RoutingContext>> handlers, String routerName) {
            super(endpoint, processor, handlers, routerName);
        }

        @Override
        protected void handleRequest(RoutingContext request) {
            if (isSuspended()) {
                request.response().setStatusCode(503).end();
                return;
            }
            Context eventLoop = request.vertx().getOrCreateContext();
            Exchange exchange = createExchange(false);
            exchange.setPattern(ExchangePattern.InOut);
            processHttpRequest(exchange, request).onComplete(read -> {
                if (read.failed()) {
                    fail(request, exchange, read.cause());
                    return;
                }
                // the body as the bytes the signature is over, without Camel's stream copy of the buffer
                if (exchange.getMessage().getBody() instanceof Buffer body) {
                    exchange.getMessage().setBody(body.getBytes());
                }
                request.vertx().executeBlocking(() -> {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange,
                            doneSync -> eventLoop.runOnContext(ignored -> reply(request, exchange)));
                    return null;
                }, false).onFailure(failure -> fail(request, exchange, failure));
            });
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
