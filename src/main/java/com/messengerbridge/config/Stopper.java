package com.messengerbridge.config;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Runs a close at Camel's shutdown: broker connections, pools, the tracing SDK. Added as services,
 * they stop in reverse order, so what a configuration started last is closed first.
 */
final class Stopper extends ServiceSupport {

    private final Runnable stop;

    Stopper(Runnable stop) {
        this.stop = stop;
    }

    @Override
    protected void doStop() {
        stop.run();
    }
}
