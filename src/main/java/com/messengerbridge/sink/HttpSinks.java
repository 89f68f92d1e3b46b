package com.messengerbridge.sink;

import com.messengerbridge.EventProperties;
import com.messengerbridge.webhook.SignatureVerifier;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * The HTTP sinks of this bridge, one per event type at most: a sink receives every event of its
 * type (the webhook field, or {@code standby}) from the durable queue {@code sink.<type>}, filled
 * by the routing table before Meta gets its 200. A sink is configured by an environment variable
 * {@code SINK_HTTP_<TYPE>=<url>} (or property {@code sink.http.<type>}), or in YAML as a
 * templated route of {@code http-sink} with the route id {@code http-sink-<type>}.
 */
public final class HttpSinks {

    public static final String ROUTE_TEMPLATE = "http-sink";
    public static final String ROUTE_ID_PREFIX = "http-sink-";

    private final Map<String, Sink> configured;
    /**
     * The types whose sink is a route in YAML ({@code http-sink-<type>}), kept as routes are added and
     * removed (a reload too): Camel finds a route by id by copying the list of every route, and this
     * is asked for every event.
     */
    private final Set<String> routedTypes = ConcurrentHashMap.newKeySet();
    /** Signers by sink type, and the one for sinks without a secret of their own: Meta's signing, our way round. */
    private final Map<String, SignatureVerifier> signers = new TreeMap<>();
    private final Optional<SignatureVerifier> defaultSigner;

    public HttpSinks(CamelContext context, Map<String, Sink> configured, String defaultSecret) {
        this.configured = Collections.unmodifiableMap(new TreeMap<>(configured));
        context.getRoutes().forEach(route -> typeOf(route).ifPresent(routedTypes::add));
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                routes.forEach(route -> typeOf(route).ifPresent(routedTypes::add));
            }

            @Override
            public void onRoutesRemove(Collection<Route> routes) {
                routes.forEach(route -> typeOf(route).ifPresent(routedTypes::remove));
            }
        });
        this.defaultSigner = signer(defaultSecret);
        configured.values().forEach(sink -> signer(sink.secret()).ifPresent(s -> signers.put(sink.type(), s)));
    }

    private static Optional<SignatureVerifier> signer(String secret) {
        return secret == null || secret.isBlank() ? Optional.empty()
                : Optional.of(new SignatureVerifier(List.of(secret)));
    }

    /** A sink from configuration; {@code secret} empty means the global sink secret, if any. */
    public record Sink(String type, String url, int concurrency, String secret) {
    }

    /** The sinks configured by environment or properties, for the configuration class to create. */
    public Map<String, Sink> configured() {
        return configured;
    }

    /**
     * Whether this event goes to a sink: its type has one, and the echo guard has not dropped it.
     * The routing table's filter {@code hasHttpSink}; a predicate, not a bean method, as it runs for
     * every event and bean binding cost more than the test.
     */
    public boolean shouldDeliver(Exchange event) {
        String type = event.getProperty(EventProperties.EVENT_TYPE, String.class);
        // the configured map covers the moment before the sink routes exist: no event slips past
        return type != null && !event.getProperty(EventProperties.OWN_ECHO, false, Boolean.class)
                && (configured.containsKey(type) || routedTypes.contains(type));
    }

    private static Optional<String> typeOf(Route route) {
        String id = route.getRouteId();
        return id != null && id.startsWith(ROUTE_ID_PREFIX) ? Optional.of(id.substring(ROUTE_ID_PREFIX.length()))
                : Optional.empty();
    }

    /** What signs requests to this type's sink: its own secret, else the shared one, else nothing. */
    Optional<SignatureVerifier> signerOf(String type) {
        SignatureVerifier own = signers.get(type);
        return own != null ? Optional.of(own) : defaultSigner;
    }
}
