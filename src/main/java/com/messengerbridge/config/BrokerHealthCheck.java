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

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long now = System.nanoTime() / 1_000_000;
        if (checkedAt == Long.MIN_VALUE || now - checkedAt >= cacheMillis) {
            downReason = tryConnect();
            checkedAt = now;
        }
        if (downReason == null) {
            builder.up();
        } else {
            builder.detail("reason", downReason).down();
        }
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
