package com.messengerbridge.webhook;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Closes an HTTP/1.1 connection that has more requests waiting for their replies than
 * {@link #MAX_WAITING}; a reply the client does not read keeps its request waiting. Vert.x reads
 * pipelined requests ahead of the one being answered and queues them without a bound, and queues
 * replies that cannot be sent: a client sending a flood of requests, or reading no replies, would
 * fill the heap. Meta sends one request at a time on a connection and reads each reply.
 * <p>
 * It sits in the connection's Netty pipeline, between the HTTP decoder and Vert.x, from the first
 * request of the connection on: it counts requests in and replies out.
 */
final class PipeliningLimit extends ChannelDuplexHandler {

    static final int MAX_WAITING = 16;
    private static final String NAME = "messenger-bridge-pipelining-limit";

    private final Runnable onCutOff;
    private int waiting;
    private boolean closed;

    private PipeliningLimit(int waiting, Runnable onCutOff) {
        this.waiting = waiting;
        this.onCutOff = onCutOff;
    }

    /** Called for each request, on its event loop: the connection's first request installs the limit. */
    static void install(HttpConnection connection, Runnable onCutOff) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get(NAME) == null && pipeline.get("handler") != null) {
                // the request being handled is waiting for its reply
                pipeline.addBefore("handler", NAME, new PipeliningLimit(1, onCutOff));
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (!closed && message instanceof HttpRequest && ++waiting > MAX_WAITING) {
            closed = true;
            context.close();
            onCutOff.run();
        }
        if (closed) {
            // the rest of what was read with it: nothing more is answered on this connection
            ReferenceCountUtil.release(message);
            return;
        }
        context.fireChannelRead(message);
    }

    /** A reply counts as taken once it is on the socket: replies the client does not read keep waiting. */
    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (message instanceof LastHttpContent) {
            ChannelPromise written = promise.unvoid();
            written.addListener(done -> waiting--);
            context.write(message, written);
        } else {
            context.write(message, promise);
        }
    }
}
