package com.messengerbridge.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events viewer's two addresses on the management port: {@code /viewer}, a static page that
 * holds no data, and {@code /viewer/events}, the events as JSON for a bearer of the viewer token.
 * The page takes the token from the URL's fragment ({@code /viewer#token=...}), which browsers
 * never send to a server, so no log or proxy along the way sees it.
 */
public final class EventViewerHttp {

    public static final String PATH = "/viewer";
    private static final Logger LOG = LoggerFactory.getLogger(EventViewerHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventViewer viewer;
    private final RateLimitedLine refused = new RateLimitedLine(LOG, true,
            "events viewer: {} requests without the viewer token, the last from {}");
    private final RateLimitedLine unmasked = new RateLimitedLine(LOG, false,
            "events viewer: {} reads of unmasked events, the last from {}");
    private final String page = resource("viewer/index.html");
    private final String script = resource("viewer/viewer.js");
    private final String style = resource("viewer/viewer.css");

    public EventViewerHttp(EventViewer viewer) {
        this.viewer = viewer;
    }

    public void addTo(Router router) {
        router.get(PATH).handler(context -> send(context, "text/html; charset=utf-8", page));
        router.get(PATH + "/viewer.js").handler(context -> send(context, "text/javascript; charset=utf-8", script));
        // a file of its own: the page's Content-Security-Policy allows no inline style
        router.get(PATH + "/viewer.css").handler(context -> send(context, "text/css; charset=utf-8", style));
        router.get(PATH + "/events").handler(this::events);
    }

    private void events(RoutingContext context) {
        String from = context.request().remoteAddress().host();
        if (!viewer.accepts(BearerToken.presented(context.request().getHeader("Authorization")))) {
            refused.record(from);
            context.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"events viewer\"");
            send(context, "text/plain", "unauthorized");
            return;
        }
        long after = parseLong(context.request().getParam("after"));
        boolean unmask = "true".equals(context.request().getParam("unmask"));
        if (unmask) {
            unmasked.record(from);
        }
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode events = reply.putArray("events");
        long last = after;
        for (EventViewer.Shown shown : viewer.after(after, unmask)) {
            events.addObject().put("sequence", shown.sequence()).put("storedAt", shown.storedAt().toString())
                    .put("object", shown.object()).put("page", shown.page()).put("field", shown.field())
                    .put("mid", shown.mid()).put("outcome", shown.outcome()).put("json", shown.json());
            last = shown.sequence();
        }
        reply.put("last", last).put("masked", !unmask);
        send(context, "application/json", reply.toString());
    }

    private static void send(RoutingContext context, String contentType, String body) {
        context.response().putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .end(body);
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    private static String resource(String name) {
        try (InputStream in = EventViewerHttp.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
