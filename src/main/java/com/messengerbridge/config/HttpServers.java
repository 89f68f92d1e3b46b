package com.messengerbridge.config;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * The webhook's and the management port's HTTP servers: each must listen, and their connections
 * that have read and written nothing for {@code HTTP_IDLE_TIMEOUT_SECONDS} are closed: an idle keep-alive connection, or one that was
 * opened and never sent a request, holds a socket and a file descriptor for nothing.
 * <p>
 * Camel 4.18's platform-http creates its Vert.x server with default {@link HttpServerOptions}, which
 * never time a connection out, and offers no setting for them. The server reads its options for
 * each new connection, so they are set here, on the server's own copy, as soon as it listens; a
 * Vert.x upgrade that moves that copy fails the start here, and {@code SlowClientsIT} with it.
 */
final class HttpServers {

    private HttpServers() {
    }

    static void closeIdleConnections(CamelContext context, int idleSeconds) throws Exception {
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("HTTP_IDLE_TIMEOUT_SECONDS must be at least 1, not " + idleSeconds);
        }
        context.addStartupListener((camel, alreadyStarted) -> {
            if (alreadyStarted) {
                return; // routes added later (a reload): the servers are set already
            }
            for (VertxPlatformHttpServer server : camel.hasServices(VertxPlatformHttpServer.class)) {
                optionsOf(server.getServer()).setIdleTimeout(idleSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
            }
        });
    }

    /**
     * Camel logs a server that could not listen (a port another process holds) as a warning and
     * starts anyway: a bridge that looks up and receives nothing. Its start fails here instead.
     */
    static void requireListening(CamelContext context) throws Exception {
        context.addStartupListener((camel, alreadyStarted) -> {
            if (alreadyStarted) {
                return; // routes added later (a reload): the servers were checked at the start
            }
            for (VertxPlatformHttpServer server : camel.hasServices(VertxPlatformHttpServer.class)) {
                // Vert.x 4's HttpServer has no public "is listening"; its base class does (actualPort()
                // keeps the requested port after a failed bind)
                if (!(server.getServer() instanceof TCPServerBase listener) || !listener.isListening()) {
                    throw new IllegalStateException("cannot listen on " + server.getHost() + ":"
                            + server.getConfigurationPort() + " (HTTP_PORT or MANAGEMENT_PORT): is another process"
                            + " using that port?");
                }
            }
        });
    }

    private static HttpServerOptions optionsOf(HttpServer server) {
        for (Class<?> type = server.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field options = type.getDeclaredField("options");
                if (HttpServerOptions.class.isAssignableFrom(options.getType())) {
                    options.setAccessible(true);
                    return (HttpServerOptions) options.get(server);
                }
            } catch (NoSuchFieldException notHere) {
                // look in the superclass
            } catch (IllegalAccessException denied) {
                throw new IllegalStateException("cannot set the HTTP server's idle timeout", denied);
            }
        }
        throw new IllegalStateException("cannot set the HTTP server's idle timeout: " + server.getClass().getName()
                + " keeps its options where this bridge does not look");
    }
}
