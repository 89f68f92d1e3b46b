package com.messengerbridge.config;

import com.messengerbridge.observe.BearerToken;
import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.EventViewer;
import com.messengerbridge.observe.EventViewerHttp;
import com.messengerbridge.tools.GraphApi;
import com.messengerbridge.tools.RoutedFields;
import com.messengerbridge.tools.SubscriptionCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators see, on the management port: the bridge's meters ({@code bridgeMetrics}), the
 * metrics' token, health that answers the same to everyone, the events viewer ({@code eventViewer},
 * only with VIEWER_TOKEN), and the optional check of the Page's subscription at start.
 */
public final class ObserveConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ObserveConfiguration.class);
    /** The name camel-micrometer looks its registry up by. */
    private static final String METRICS_REGISTRY = "metricsRegistry";
    private static final List<String> LOG_FORMATS = List.of("plain", "json");

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // log4j2.properties reads LOG_FORMAT itself, before Camel starts; a value it does not know
        // would give plain lines where a log shipper expects JSON
        String logFormat = settings.get("log.format");
        if (!LOG_FORMATS.contains(logFormat)) {
            throw new IllegalArgumentException("LOG_FORMAT must be one of " + LOG_FORMATS + ", not '" + logFormat + "'");
        }
        MeterRegistry registry = meterRegistry(context);
        context.getRegistry().bind("bridgeMetrics", new BridgeMetrics(registry));
        context.addRoutePolicyFactory(routeMeters(registry, context.hasService(MicrometerPrometheus.class),
                settings.get("metrics.untimed-routes")));
        EventViewer viewer = eventViewer(context, settings);
        if (viewer != null) {
            context.getRegistry().bind("eventViewer", viewer);
        }
        guardMetrics(context, settings);
        // health answers the same to everyone: no query parameter (exposureLevel=full, stackTrace,
        // data) may ask it for the checks' details, exceptions or stack traces
        onceServing(context, settings.get("camel.management.port"),
                router -> router.route("/observe/health*").order(-1).handler(request -> {
                    request.request().params().clear();
                    request.next();
                }));
        checkPageSubscription(context, settings);
        tracing(context, settings);
    }

    /**
     * OpenTelemetry, off unless OTEL_SDK_DISABLED=false: the SDK configured from the standard OTEL_*
     * variables (OTLP to OTEL_EXPORTER_OTLP_ENDPOINT by default), and Camel's tracer on every route.
     * The webhook POST is a span; each event carries its W3C traceparent to the broker, and the HTTP
     * sinks send theirs on.
     */
    private static void tracing(CamelContext context, Settings settings) throws Exception {
        boolean disabled = Boolean.parseBoolean(settings.get("otel.sdk.disabled"));
        if (disabled) {
            return;
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                // defaults the OTEL_* variables override; OTLP over HTTP, the only sender the bridge ships
                .addPropertiesSupplier(() -> Map.of("otel.sdk.disabled", "false", "otel.service.name", "messenger-bridge",
                        "otel.exporter.otlp.protocol", "http/protobuf", "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .build().getOpenTelemetrySdk();
        context.getRegistry().bind("openTelemetryTracer", Tracer.class, sdk.getTracer("messenger-bridge"));
        context.getRegistry().bind("openTelemetryPropagators", ContextPropagators.class, sdk.getPropagators());
        // flushes the spans not yet exported when the bridge stops
        context.addService(new Stopper(sdk::close), true);
        new OpenTelemetryTracer().init(context);
        LOG.info("Tracing with OpenTelemetry: spans exported as the OTEL_* settings say");
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

    /**
     * Camel's route meters ({@code camel_exchanges_*}, {@code camel_route_policy_*}): each route's, none
     * for the whole context, and none for the untimed routes (a comma-separated list of route ids or
     * patterns), which run once per event. Named as Camel Main's metrics service says
     * ({@code camel.metrics.namingStrategy}, {@code camel.metrics.skipCamelInfo}), as its own route
     * meters would be.
     */
    static MicrometerRoutePolicyFactory routeMeters(MeterRegistry registry, MicrometerPrometheus camelMetrics,
            String untimedRoutes) {
        MicrometerRoutePolicyConfiguration meters = new MicrometerRoutePolicyConfiguration();
        meters.setContextEnabled(false);
        meters.setExcludePattern(untimedRoutes.isBlank() ? null : untimedRoutes);
        MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
        factory.setMeterRegistry(registry);
        if (camelMetrics != null) {
            factory.setSkipCamelInfo(camelMetrics.isSkipCamelInfo());
            if ("legacy".equalsIgnoreCase(camelMetrics.getNamingStrategy())) {
                factory.setNamingStrategy(MicrometerRoutePolicyNamingStrategy.LEGACY);
            }
        }
        // its own configuration: the factory's default is one shared by every factory
        factory.setPolicyConfiguration(meters);
        return factory;
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
        EventViewer viewer = new EventViewer(token, settings.integer("viewer.events"));
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
                Path.of(settings.get("routes.dir")).resolve(RoutedFields.DEFAULT_TABLE.getFileName()));
        context.addStartupListener((camel, alreadyStarted) -> {
            if (alreadyStarted) {
                return; // routes added later (a reload)
            }
            Thread thread = new Thread(check, "subscription-check");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Adds to the Vert.x router of the HTTP server on this port once Camel has started it. */
    static void onceServing(CamelContext context, String port, Consumer<Router> addition) throws Exception {
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(port));
        context.addStartupListener((camel, alreadyStarted) -> {
            if (alreadyStarted) {
                return; // routes added later (a reload): the router has it already
            }
            Router router = VertxPlatformHttpRouter.lookup(camel, name);
            if (router != null) { // none when Camel serves no HTTP: check-routes builds the routes without it
                addition.accept(router);
            }
        });
    }
}
