package com.messengerbridge.config;

import com.messengerbridge.sink.HttpSinks;
import com.messengerbridge.sink.SinkDeadLetter;
import com.messengerbridge.sink.SinkMark;
import com.messengerbridge.sink.SinkRequest;
import com.messengerbridge.sink.SinkRetryPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Predicate;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP sinks: the beans the routing table and the {@code http-sink} template call, the mark
 * that tells the bridge's own events on {@code sink.<type>} ({@code sinkMark}), and a route from
 * the template for each sink configured by environment or properties.
 */
public final class SinkConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SinkConfiguration.class);

    @BindToRegistry("sinkRetryPolicy")
    public SinkRetryPolicy sinkRetryPolicy(@PropertyInject("sink.http.max-attempts") int maxAttempts) {
        return new SinkRetryPolicy(maxAttempts);
    }

    @BindToRegistry("sinkDeadLetter")
    public SinkDeadLetter sinkDeadLetter() {
        return new SinkDeadLetter();
    }

    /** What needs more than a setting: the sinks declared by variables and settings files, and their mark. */
    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        SinkMark sinkMarks = new SinkMark(settings.list("meta.app-secret"));
        context.getRegistry().bind("sinkMark", sinkMarks);
        configureHttpSinks(context, settings, sinkMarks);
    }

    /** Binds the sink beans and, once the YAML template is loaded, creates a route per configured sink. */
    private static void configureHttpSinks(CamelContext context, Settings settings, SinkMark sinkMarks)
            throws Exception {
        Map<String, HttpSinks.Sink> configured = HttpSinkSettings.read(sinkSettings(context));
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
        context.getRegistry().bind("hasHttpSink", Predicate.class, (Predicate) sinks::shouldDeliver);
        context.getRegistry().bind("sinkRequest", new SinkRequest(sinks, sinkMarks));
        // after start, when the template from routes/ exists; events stored before wait in sink.<type>
        context.addStartupListener(new ExtendedStartupListener() {
            /** Camel calls this again each time routes are added (a reload): the sinks are made once. */
            private final AtomicBoolean made = new AtomicBoolean();

            @Override
            public void onCamelContextStarted(CamelContext camel, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext camel, boolean alreadyStarted) throws Exception {
                if (made.getAndSet(true)) {
                    return;
                }
                for (HttpSinks.Sink sink : sinks.configured().values()) {
                    camel.addRouteFromTemplate(HttpSinks.ROUTE_ID_PREFIX + sink.type(), HttpSinks.ROUTE_TEMPLATE,
                            Map.of("type", sink.type(), "url", sink.url(), "concurrency", sink.concurrency()));
                    LOG.info("HTTP sink for {} events: {} ({} at a time)", sink.type(),
                            Settings.loggable(sink.url()), sink.concurrency());
                }
            }
        });
    }

    /**
     * Every {@code sink.http.*} setting, the later source winning: application.properties, the
     * settings files (BRIDGE_CONFIG_FILES) and the overrides, which Camel keeps apart from the loaded
     * properties, and last the {@code SINK_HTTP_*} variables, as a variable wins in Camel's lookups.
     */
    private static Map<String, Object> sinkSettings(CamelContext context) {
        SinkVariables variables = SinkVariables.ofProcess();
        List<Map<?, ?>> sources = new ArrayList<>();
        if (context.getPropertiesComponent() instanceof PropertiesComponent camel) {
            // so that {{sink.http.<type>}} in a route resolves as this class reads it
            camel.addPropertiesSource(variables);
            sources.add(camel.loadPropertiesAsMap());
            sources.add(camel.getInitialProperties());
            sources.add(camel.getOverrideProperties());
        }
        sources.add(variables.loadProperties());
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Map<?, ?> source : sources) {
            if (source == null) {
                continue;
            }
            source.forEach((key, value) -> {
                if (key.toString().startsWith(SinkVariables.PREFIX)) {
                    settings.put(key.toString(), context.resolvePropertyPlaceholders(String.valueOf(value)));
                }
            });
        }
        return settings;
    }
}
