package com.messengerbridge;

import com.messengerbridge.config.BrokerConfiguration;
import com.messengerbridge.config.ObserveConfiguration;
import com.messengerbridge.config.SinkConfiguration;
import com.messengerbridge.config.WebhookConfiguration;
import com.messengerbridge.routes.RouteProblem;
import com.messengerbridge.routes.RoutesConfiguration;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Camel Main: the routes come from {@code routes/*.camel.yaml}, the wiring from the
 * configuration classes of {@link #WIRING}.
 */
public final class Application {

    /** The bridge's wiring, by concern, in the order it runs. */
    public static final List<Class<? extends CamelConfiguration>> WIRING = List.of(ObserveConfiguration.class,
            SinkConfiguration.class, WebhookConfiguration.class, BrokerConfiguration.class);

    private Application() {
    }

    public static void main(String... args) throws Exception {
        // no class-path scanning: the configuration classes are named, so each runs once, in this
        // order: the meters first, the broker and its store last, as they use the beans before them
        Main main = new Main();
        for (Class<? extends CamelConfiguration> wiring : WIRING) {
            main.configure().addConfiguration(wiring);
        }
        // last: the routes' version, and their reload, which checks an edit with the wiring above
        main.configure().addConfiguration(new RoutesConfiguration(WIRING));
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception startFailed) {
            // one line a person can act on, as check-routes prints it (file and line of a route's
            // fault); the stack trace only at DEBUG. The embedded broker's threads would keep a
            // half-started process alive: end it
            Logger log = LoggerFactory.getLogger(Application.class);
            log.error("Messenger Bridge failed to start: {}", RouteProblem.of(startFailed, main.getCamelContext()).describe());
            log.debug("Start failure", startFailed);
            exitCode = 1;
        }
        System.exit(exitCode);
    }
}
