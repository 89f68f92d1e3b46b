package com.messengerbridge.it;

/**
 * The integration tests' tiers. {@code mvn verify} runs the quick one: the bridge as a process on
 * its embedded broker, spoken to over HTTP. {@code mvn verify -Pfull} adds the tests tagged
 * {@link #FULL}: the standalone broker distribution, kills and outages under load, failover, the
 * browser, the container, and the tests that drive load or wait on clocks of their own.
 */
final class Tiers {

    static final String FULL = "full";

    private Tiers() {
    }
}
