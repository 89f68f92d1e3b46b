package com.messengerbridge.config;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the bridge is ready only while it can reach its broker, since without it every event
 * delivery is answered 503. A check opens a connection of its own, so a broken pooled connection
 * cannot hide that the broker is back, or gone; its outcome is kept for a moment, so that a storm
 * of probes opens one broker connection, not one each.
 */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    static final long CACHE_MILLIS = 2_000;

    private final ConnectionFactory factory;
    private final long cacheMillis;
    private long checkedAt = Long.MIN_VALUE;
    private String downReason;

    BrokerHealthCheck(String url, String user, String password, long timeoutMillis) {
        this(brokerConnections(url, user, password, timeoutMillis), CACHE_MILLIS);
    }

    BrokerHealthCheck(ConnectionFactory factory, long cacheMillis) {
        super("messenger-bridge", "broker");
        this.factory = factory;
        this.cacheMillis = cacheMillis;
    }

    private static ConnectionFactory brokerConnections(String url, String user, String password, long timeoutMillis) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, user, password);
        factory.setCallTimeout(timeoutMillis);
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
        return factory;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /**
     * Checks once now, on a thread of its own, while the routes load: the process's first broker
     * connection loads the client's classes and opens its threads, which would otherwise delay the
     * first readiness probe by about half a second.
     */
    void checkInBackground() {
        Thread first = new Thread(this::refreshIfStale, "broker-first-check");
        first.setDaemon(true);
        first.start();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String reason = refreshIfStale();
        if (reason == null) {
            builder.up();
        } else {
            builder.detail("reason", reason).down();
        }
    }

    /** Null when the broker is up, else why not: as last checked, unless that is older than the cache. */
    private synchronized String refreshIfStale() {
        long now = System.nanoTime() / 1_000_000;
        if (checkedAt == Long.MIN_VALUE || now - checkedAt >= cacheMillis) {
            downReason = tryConnect();
            checkedAt = now;
        }
        return downReason;
    }

    /** Null when the broker took a connection; else why not. */
    private String tryConnect() {
        try (Connection connection = factory.createConnection()) {
            return null;
        } catch (Exception unreachable) {
            return unreachable.getClass().getSimpleName();
        }
    }
}
