package com.messengerbridge.config;

import jakarta.jms.Connection;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the bridge is ready only while it can reach its broker, since without it every event
 * delivery is answered 503. Each check opens a connection of its own, so a broken pooled
 * connection cannot hide that the broker is back, or gone.
 */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    private final ActiveMQConnectionFactory factory;

    BrokerHealthCheck(String url, String user, String password, long timeoutMillis) {
        super("messenger-bridge", "broker");
        this.factory = new ActiveMQConnectionFactory(url, user, password);
        factory.setCallTimeout(timeoutMillis);
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = factory.createConnection()) {
            builder.up();
        } catch (Exception unreachable) {
            builder.detail("reason", unreachable.getClass().getSimpleName()).down();
        }
    }
}
