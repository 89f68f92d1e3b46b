package com.messengerbridge;

import com.messengerbridge.config.BridgeConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Starts Camel Main: the routes come from {@code routes/*.camel.yaml}, the wiring from {@link BridgeConfiguration}. */
public final class Application {

    private Application() {
    }

    public static void main(String... args) throws Exception {
        // no class-path scanning: the one configuration class is named, so it runs once
        Main main = new Main();
        main.configure().addConfiguration(BridgeConfiguration.class);
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception startFailed) {
            // the embedded broker's threads would keep a half-started process alive: end it
            LoggerFactory.getLogger(Application.class).error("Messenger Bridge failed to start: {}", startFailed.getMessage(), startFailed);
            exitCode = 1;
        }
        System.exit(exitCode);
    }
}
