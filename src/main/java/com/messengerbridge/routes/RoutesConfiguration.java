package com.messengerbridge.routes;

import com.messengerbridge.observe.BridgeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * The routes directory as a running bridge sees it: the version of the routes that serve, as a
 * meter, and with {@code routes.reload} the watcher that applies checked edits without a restart.
 */
public final class RoutesConfiguration implements CamelConfiguration {

    /** How often the directory is looked at: an edit applies within two looks and a check. */
    static final long POLL_MILLIS = 400;

    private final List<Class<? extends CamelConfiguration>> wiring;

    /** @param wiring the configurations a check loads the routes with: the bridge's own */
    public RoutesConfiguration(List<Class<? extends CamelConfiguration>> wiring) {
        this.wiring = List.copyOf(wiring);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Path dir = Path.of(context.resolvePropertyPlaceholders("{{routes.dir}}"));
        boolean reload = Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{routes.reload}}"));
        // once the routes serve: Camel Main runs this configuration, an instance, before the
        // configuration classes that bind the meters, and the watcher compares against what serves
        context.addStartupListener((camel, alreadyStarted) -> {
            if (alreadyStarted) {
                return; // Camel calls this again each time routes are added: a reload, say
            }
            MeterRegistry meters = camel.getRegistry().lookupByNameAndType("bridgeMetrics", BridgeMetrics.class).registry();
            var version = new RoutesReloader.RoutesVersion(meters, RoutesReloader.versionOf(dir));
            // the reload counters exist at 0 without reload too: dashboards and alerts find them on every bridge
            RoutesReloader.reloads(meters, RoutesReloader.APPLIED);
            RoutesReloader.reloads(meters, RoutesReloader.REFUSED);
            if (reload) {
                camel.addService(new RoutesReloader(camel, dir, new RoutesCheck(wiring), POLL_MILLIS, version, meters),
                        true, true);
            }
        });
    }
}
