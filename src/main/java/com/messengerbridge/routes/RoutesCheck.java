package com.messengerbridge.routes;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.apache.logging.log4j.CloseableThreadContext;

/**
 * Loads the routes of a directory the way the bridge does: its wiring and settings, every step
 * built, every bean, endpoint and expression resolved, but no broker, no HTTP port and no route
 * started. Used by {@code check-routes} before a deployment, and by the reload before an edit
 * replaces the routes that serve.
 */
public final class RoutesCheck {

    /** The log4j2.properties filter's key: lines logged on a thread while it is set are dropped. */
    private static final String QUIET_KEY = "routesCheck";

    private final List<Class<? extends CamelConfiguration>> wiring;

    public RoutesCheck(List<Class<? extends CamelConfiguration>> wiring) {
        this.wiring = List.copyOf(wiring);
    }

    /**
     * The errors and warnings of the routes under {@code dir}; none when they load as they are. The
     * Camel that loads them logs nothing (the log4j2.properties filter on {@value #QUIET_KEY}): its
     * start and stop lines would read as the bridge's, and its failure is what this returns.
     */
    public List<RouteProblem> check(Path dir) {
        try (var quiet = quiet()) {
            return load(dir);
        }
    }

    /** Until closed, this thread logs nothing: for a Camel of its own that only reads or checks routes. */
    static CloseableThreadContext.Instance quiet() {
        return CloseableThreadContext.put(QUIET_KEY, "true");
    }

    private List<RouteProblem> load(Path dir) {
        Main main = new Main();
        wiring.forEach(configuration -> main.configure().addConfiguration(configuration));
        // no hook of its own at JVM exit: this Camel is stopped here, and the bridge may run beside it
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        main.addOverrideProperty("camel.main.name", "check-routes");
        main.addOverrideProperty("routes.dir", dir.toString());
        main.addOverrideProperty("routes.reload", "false");
        // every route built, none started: no consumer, no port, and the broker never connected to
        main.addOverrideProperty("camel.main.auto-startup", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("broker.url", "vm://0");
        // what the bridge refuses to start without, and no Graph API call
        main.addOverrideProperty("meta.insecure-skip-signature", "false");
        main.addOverrideProperty("meta.app-secret", "check-routes");
        main.addOverrideProperty("meta.verify-token", "check-routes");
        main.addOverrideProperty("meta.page-id", "");
        // no second OpenTelemetry SDK for a Camel that runs nothing
        main.addOverrideProperty("otel.sdk.disabled", "true");
        try {
            main.start();
            return RouteProblem.warnings(main.getCamelContext());
        } catch (Exception failed) {
            return List.of(RouteProblem.of(failed, main.getCamelContext()));
        } finally {
            main.stop();
        }
    }
}
