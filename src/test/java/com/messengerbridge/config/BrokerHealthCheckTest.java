package com.messengerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

class BrokerHealthCheckTest {

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean brokerUp = new AtomicBoolean(true);

    /** A broker that counts the connections it is asked for. */
    private final ConnectionFactory broker = (ConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ConnectionFactory.class}, (proxy, method, args) -> {
                connections.incrementAndGet();
                if (!brokerUp.get()) {
                    throw new JMSException("connection refused");
                }
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                        (connection, call, callArgs) -> null);
            });

    @Test
    void aStormOfProbesOpensOneBrokerConnection() {
        BrokerHealthCheck check = new BrokerHealthCheck(broker, 60_000);

        for (int probe = 0; probe < 50; probe++) {
            assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        }

        assertThat(connections).hasValue(1);
    }

    @Test
    void theBrokerIsAskedAgainOnceTheOutcomeIsOld() throws Exception {
        BrokerHealthCheck check = new BrokerHealthCheck(broker, 50);
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        brokerUp.set(false);
        Thread.sleep(80);

        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getDetails()).containsEntry("reason", "JMSException");
        assertThat(connections).hasValue(2);
    }
}
