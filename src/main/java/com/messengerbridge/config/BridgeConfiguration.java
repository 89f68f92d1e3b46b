package com.messengerbridge.config;

import com.messengerbridge.observe.BearerToken;
import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.EventViewer;
import com.messengerbridge.observe.EventViewerHttp;
import com.messengerbridge.sink.HttpSinks;
import com.messengerbridge.sink.SinkDeadLetter;
import com.messengerbridge.sink.SinkMark;
import com.messengerbridge.sink.SinkRequest;
import com.messengerbridge.sink.SinkRetryPolicy;
import com.messengerbridge.store.EventStore;
import com.messengerbridge.tools.GraphApi;
import com.messengerbridge.tools.RoutedFields;
import com.messengerbridge.tools.SubscriptionCheck;
import com.messengerbridge.webhook.AsyncHttpEngine;
import com.messengerbridge.webhook.BodyReader;
import com.messengerbridge.webhook.BrokerGate;
import com.messengerbridge.webhook.EventClassifier;
import com.messengerbridge.webhook.InFlightLimit;
import com.messengerbridge.webhook.SignatureVerifier;
import com.messengerbridge.webhook.SubscriptionVerifier;
import com.messengerbridge.webhook.WebhookEnvelopeReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Predicate;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.URISupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring: the webhook beans the routes refer to by name, and the broker connection, to the broker
 * at {@code broker.url} or, when that is empty, to an Artemis broker embedded in this process.
 */
public final class BridgeConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfiguration.class);
    /** Broker transactions under way at once, each on its own connection: one commits while the others fill. */
    private static final int STORE_COMMITTERS = 4;
    /** The name camel-micrometer looks its registry up by. */
    private static final String METRICS_REGISTRY = "metricsRegistry";

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Map<String, String> queuePrefixByObject = new LinkedHashMap<>();
        queuePrefixByObject.put("page", settings.get("queue.prefix.page"));
        queuePrefixByObject.put("instagram", settings.get("queue.prefix.instagram"));

        String verifyToken = settings.get("meta.verify-token");
        if (verifyToken.isBlank()) {
            LOG.warn("META_VERIFY_TOKEN is not set: every verification GET will be refused with 403");
        }
        BridgeMetrics metrics = new BridgeMetrics(meterRegistry(context));
        context.getRegistry().bind("bridgeMetrics", metrics);
        SignatureVerifier verifier = signatureVerifier(settings);
        verifier.bindTo(metrics.registry());
        context.getRegistry().bind("signatureVerifier", verifier);
        context.getRegistry().bind("subscriptionVerifier", new SubscriptionVerifier(verifyToken));
        context.getRegistry().bind("webhookEnvelopeReader", new WebhookEnvelopeReader(queuePrefixByObject.keySet()));
        context.getRegistry().bind("webhookObjectMapper", WebhookEnvelopeReader.objectMapper());
        context.getRegistry().bind("brokerGate",
                new BrokerGate(Long.parseLong(settings.get("broker.unavailable-cool-down-ms"))));
        context.getRegistry().bind("eventClassifier", new EventClassifier(queuePrefixByObject,
                Set.copyOf(settings.list("meta.own-app-ids"))));

        BrokerAddress broker = broker(context, settings);
        // the request path: committers on connections of their own, no pool in between (a pool's
        // producers broke while a failover closed them); the sink routes read through the pool
        SinkMark sinkMarks = new SinkMark(settings.list("meta.app-secret"));
        EventStore store = new EventStore(broker.transactedConnectionFactory(), sinkMarks, metrics,
                eventViewer(context, settings),
                Long.parseLong(settings.get("broker.store-timeout-ms")),
                Integer.parseInt(settings.get("webhook.max-in-flight")), STORE_COMMITTERS);
        context.addService(new Stopper(store::close), true);
        context.getRegistry().bind("eventStore", store);
        context.getRegistry().bind("bridgeConnectionFactory", pooled(context, settings, broker));
        // platform-http that reads bodies within bounds, and lets a request's thread go while the
        // broker stores its events
        InFlightLimit limit = new InFlightLimit(Integer.parseInt(settings.get("webhook.max-in-flight")));
        limit.bindTo(metrics.registry());
        BodyReader bodies = new BodyReader(Long.parseLong(settings.get("webhook.max-body-bytes")),
                Long.parseLong(settings.get("webhook.max-in-flight-bytes")),
                Long.parseLong(settings.get("webhook.body-timeout-ms")));
        bodies.bindTo(metrics.registry());
        context.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class,
                new AsyncHttpEngine(bodies, limit, metrics));
        HttpServerTimeouts.closeIdleConnections(context, Integer.parseInt(settings.get("http.idle-timeout-seconds")));
        configureHttpSinks(context, settings, sinkMarks);
        guardMetrics(context, settings);
        // health answers the same to everyone: no query parameter (exposureLevel=full, stackTrace,
        // data) may ask it for the checks' details, exceptions or stack traces
        onceServing(context, settings.get("camel.management.port"),
                router -> router.route("/observe/health*").order(-1).handler(request -> {
                    request.request().params().clear();
                    request.next();
                }));
        checkPageSubscription(context, settings);
    }

    /** The events viewer on the management port, when VIEWER_TOKEN is set; null when it is off. */
    private static EventViewer eventViewer(CamelContext context, Settings settings) throws Exception {
        String token = settings.get("viewer.token");
        if (token.isBlank()) {
            return null;
        }
        if (token.length() < BearerToken.MIN_LENGTH) {
            throw new IllegalArgumentException("VIEWER_TOKEN must be at least " + BearerToken.MIN_LENGTH
                    + " characters: it guards user data");
        }
        EventViewer viewer = new EventViewer(token, Integer.parseInt(settings.get("viewer.events")));
        onceServing(context, settings.get("camel.management.port"), router -> {
            new EventViewerHttp(viewer).addTo(router);
            LOG.info("events viewer on the management port at {} (token required)", EventViewerHttp.PATH);
        });
        return viewer;
    }

    /** With METRICS_TOKEN set, /observe/metrics answers only requests that bear it; health stays open for probes. */
    private static void guardMetrics(CamelContext context, Settings settings) throws Exception {
        String token = settings.get("metrics.token");
        if (token.isBlank()) {
            return;
        }
        if (token.length() < BearerToken.MIN_LENGTH) {
            throw new IllegalArgumentException("METRICS_TOKEN must be at least " + BearerToken.MIN_LENGTH + " characters");
        }
        BearerToken required = new BearerToken(token, "metrics");
        // order -1: before the route Camel adds for the metrics endpoint
        onceServing(context, settings.get("camel.management.port"),
                router -> router.route("/observe/metrics").order(-1).handler(required));
    }

    /** Optional: with a Page id and token, warn at start when the Page misses fields the routes queue. */
    private static void checkPageSubscription(CamelContext context, Settings settings) throws Exception {
        String pageId = settings.get("meta.page-id");
        String pageToken = settings.get("meta.page-access-token");
        if (pageId.isBlank() || pageToken.isBlank()) {
            return;
        }
        SubscriptionCheck check = new SubscriptionCheck(new GraphApi(settings.get("graph.api-base-url"),
                settings.get("graph.api-version")), pageId, pageToken, settings.get("meta.app-id"),
                RoutedFields.DEFAULT_TABLE);
        context.addStartupListener((camel, alreadyStarted) -> {
            Thread thread = new Thread(check, "subscription-check");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Adds to the Vert.x router of the HTTP server on this port once Camel has started it. */
    private static void onceServing(CamelContext context, String port, Consumer<Router> addition) throws Exception {
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(port));
        context.addStartupListener((camel, alreadyStarted) ->
                addition.accept(VertxPlatformHttpRouter.lookup(camel, name)));
    }

    /** Binds the sink beans and, once the YAML template is loaded, creates a route per configured sink. */
    private static void configureHttpSinks(CamelContext context, Settings settings, SinkMark sinkMarks)
            throws Exception {
        Map<String, Object> sinkProperties = new LinkedHashMap<>();
        context.getPropertiesComponent().loadPropertiesAsMap().forEach((key, value) -> {
            if (key.startsWith("sink.http.")) {
                sinkProperties.put(key, context.resolvePropertyPlaceholders(String.valueOf(value)));
            }
        });
        Map<String, HttpSinks.Sink> configured = HttpSinkSettings.read(System.getenv(), sinkProperties);
        Set<String> camelOptions = PluginHelper.getUriFactoryResolver(context).resolveFactory("http", context)
                .propertyNames();
        for (HttpSinks.Sink sink : configured.values()) {
            HttpSinkSettings.refuseCamelOptions(sink, camelOptions);
            if (sink.url().startsWith("http://")) {
                LOG.warn("HTTP sink for {} is plain http://: events and their signature travel unencrypted; use"
                        + " https:// unless the sink is on a network you trust", sink.type());
            }
        }
        HttpSinks sinks = new HttpSinks(context, configured, settings.get("sink.http.secret"));
        context.getRegistry().bind("httpSinks", sinks);
        context.getRegistry().bind("hasHttpSink", Predicate.class, (Predicate) sinks::shouldDeliver);
        context.getRegistry().bind("sinkRequest", new SinkRequest(sinks, sinkMarks));
        context.getRegistry().bind("sinkRetryPolicy",
                new SinkRetryPolicy(Integer.parseInt(settings.get("sink.http.max-attempts"))));
        context.getRegistry().bind("sinkDeadLetter", new SinkDeadLetter());
        // after start, when the template from routes/ exists; events stored before wait in sink.<type>
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext camel, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext camel, boolean alreadyStarted) throws Exception {
                for (HttpSinks.Sink sink : sinks.configured().values()) {
                    camel.addRouteFromTemplate(HttpSinks.ROUTE_ID_PREFIX + sink.type(), HttpSinks.ROUTE_TEMPLATE,
                            Map.of("type", sink.type(), "url", sink.url(), "concurrency", sink.concurrency()));
                    LOG.info("HTTP sink for {} events: {} ({} at a time)", sink.type(),
                            loggable(sink.url()), sink.concurrency());
                }
            }
        });
    }

    /** A URL as the log may show it: passwords, tokens and secrets in it masked by Camel's own rules. */
    static String loggable(String url) {
        return URISupport.sanitizeUri(url);
    }

    /** The registry Camel's Prometheus service serves at /observe/metrics (it binds one before this runs). */
    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(METRICS_REGISTRY, registry);
        }
        return registry;
    }

    /** Fails closed: no App Secret, no start, unless the insecure opt-out for local trials is set. */
    private static SignatureVerifier signatureVerifier(Settings settings) {
        List<String> secrets = settings.list("meta.app-secret");
        if (!Boolean.parseBoolean(settings.get("meta.insecure-skip-signature"))) {
            return new SignatureVerifier(secrets);
        }
        if (!secrets.isEmpty()) {
            // a production setting and a trial switch together: whichever was meant, one is a mistake
            throw new IllegalArgumentException("META_INSECURE_SKIP_SIGNATURE=true and META_APP_SECRET are both set:"
                    + " remove META_INSECURE_SKIP_SIGNATURE to verify signatures, or META_APP_SECRET for a local trial");
        }
        for (int i = 0; i < 3; i++) {
            LOG.warn("INSECURE: META_INSECURE_SKIP_SIGNATURE=true, X-Hub-Signature-256 is NOT checked: anyone who can"
                    + " reach this bridge can inject events. For local trials only; never in production.");
        }
        return SignatureVerifier.insecureNoCheck();
    }

    /** Where the broker is, and the bridge's login: the broker embedded in this process when no URL is set. */
    private static BrokerAddress broker(CamelContext context, Settings settings) throws Exception {
        String url = settings.get("broker.url");
        String user = settings.get("broker.user");
        String password = settings.get("broker.password");
        if (url.isBlank()) {
            EmbeddedBroker broker = new EmbeddedBroker(Path.of(settings.get("broker.data-dir")),
                    settings.get("broker.embedded-acceptor"), new EmbeddedBroker.Login(user, password),
                    new EmbeddedBroker.Login(settings.get("broker.consumer.user"), settings.get("broker.consumer.password")),
                    Integer.parseInt(settings.get("broker.duplicate-id-cache-size")),
                    Integer.parseInt(settings.get("broker.journal-buffer-timeout-us")));
            // started now, so the broker is up before any route, and stopped after them
            broker.start();
            context.addService(broker, true);
            url = EmbeddedBroker.IN_VM_URL;
        } else {
            LOG.info("Using the broker at {}", loggable(url));
        }
        String login = user.isBlank() ? null : user;
        String secret = password.isBlank() ? null : password;
        long timeout = Long.parseLong(settings.get("broker.call-timeout-ms"));
        HealthCheckRegistry.get(context).register(new BrokerHealthCheck(url, login, secret, timeout));
        return new BrokerAddress(url, login, secret, timeout);
    }

    private record BrokerAddress(String url, String user, String password, long callTimeoutMillis) {
        ActiveMQConnectionFactory connectionFactory() {
            return artemisConnectionFactory(url, user, password, callTimeoutMillis);
        }

        /**
         * The store's connections: every send is inside a transaction, so none needs to wait for its
         * own confirmation; the commit is the one call that waits, and it fails if any send of the
         * transaction did. Blocking sends would cost a broker round trip per event.
         */
        ActiveMQConnectionFactory transactedConnectionFactory() {
            ActiveMQConnectionFactory transacted = connectionFactory();
            transacted.setBlockOnDurableSend(false);
            return transacted;
        }
    }

    /** The pooled connections the sink routes (camel-jms) consume and send through. */
    private static JmsPoolConnectionFactory pooled(CamelContext context, Settings settings, BrokerAddress broker)
            throws Exception {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(broker.connectionFactory());
        pool.setMaxConnections(Integer.parseInt(settings.get("broker.pool.max-connections")));
        pool.setBlockIfSessionPoolIsFullTimeout(broker.callTimeoutMillis());
        context.addService(new Stopper(pool::stop), true);
        return pool;
    }

    /** The bridge's Artemis client settings, whatever the URL says where it matters. */
    static ActiveMQConnectionFactory artemisConnectionFactory(String url, String user, String password,
            long callTimeoutMillis) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, user, password);
        // a durable send returns only once the broker has it on disk: that is what the 200 promises
        artemis.setBlockOnDurableSend(true);
        // a send to a dead broker must fail well inside Meta's 5 seconds, so the reply is a 503
        artemis.setCallTimeout(callTimeoutMillis);
        artemis.setCallFailoverTimeout(callTimeoutMillis);
        // a lost connection is retried within this, not Artemis's default 2 s, also inside Meta's 5 s
        artemis.setRetryInterval(Math.min(callTimeoutMillis, 250));
        // the bridge only sends and reads text: no JMS ObjectMessage is ever deserialized
        artemis.setDeserializationDenyList("*");
        return artemis;
    }


    /** Closes broker connections at shutdown, before the embedded broker stops (services stop in reverse order). */
    private static final class Stopper extends ServiceSupport {
        private final Runnable stop;

        Stopper(Runnable stop) {
            this.stop = stop;
        }

        @Override
        protected void doStop() {
            stop.run();
        }
    }

    /** Reads this bridge's keys from Camel's properties (application.properties, then environment). */
    private record Settings(CamelContext context) {
        String get(String key) {
            return context.resolvePropertyPlaceholders("{{" + key + "}}").strip();
        }

        List<String> list(String key) {
            return Arrays.stream(get(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
    }
}
