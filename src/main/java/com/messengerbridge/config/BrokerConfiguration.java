package com.messengerbridge.config;

import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.observe.EventViewer;
import com.messengerbridge.sink.SinkMark;
import com.messengerbridge.store.EventStore;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker: at {@code broker.url}, or an Artemis broker embedded in this process when that is
 * empty; the store that commits each request's events ({@code eventStore}), on connections of its
 * own; and the pooled connections of the sink routes ({@code bridgeConnectionFactory}).
 */
public final class BrokerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfiguration.class);
    /**
     * Broker transactions under way at once, each on its own connection: one commits while the other
     * fills. Two, by measurement (docs/benchmark.md): four made more and smaller transactions, each
     * costing the broker a commit, on cores the broker shares with the requests.
     */
    private static final int STORE_COMMITTERS = 2;
    /** The Netty connector parameter that holds a connection's writes until they are flushed. */
    static final String BATCH_DELAY = TransportConstants.BATCH_DELAY;
    /**
     * How long a write may wait for a flush before Artemis's flusher sends it anyway. Every commit
     * flushes, so this is only a safety net; a short delay made the flusher run every millisecond and
     * split transactions into many small writes (docs/benchmark.md).
     */
    private static final long FLUSH_UNFLUSHED_WRITES_MILLIS = 1000;

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        BrokerAddress broker = broker(context, settings);
        // the request path: committers on connections of their own, no pool in between (a pool's
        // producers broke while a failover closed them); the sink routes read through the pool
        EventStore store = new EventStore(broker.transactedConnectionFactory(),
                settings.bean("sinkMark", SinkMark.class), settings.bean("bridgeMetrics", BridgeMetrics.class),
                context.getRegistry().lookupByNameAndType("eventViewer", EventViewer.class),
                settings.number("broker.store-timeout-ms"), settings.integer("webhook.max-in-flight"),
                STORE_COMMITTERS);
        context.addService(new Stopper(store::close), true);
        context.getRegistry().bind("eventStore", store);
        context.getRegistry().bind("bridgeConnectionFactory", pooled(context, settings, broker));
    }

    /** Where the broker is, and the bridge's login: the broker embedded in this process when no URL is set. */
    private static BrokerAddress broker(CamelContext context, Settings settings) throws Exception {
        String url = settings.get("broker.url");
        String user = settings.get("broker.user");
        String password = settings.get("broker.password");
        if (url.isBlank()) {
            EmbeddedBroker broker = new EmbeddedBroker(Path.of(settings.get("broker.data-dir")),
                    settings.get("broker.embedded-acceptor"), new EmbeddedBroker.Login(user, password),
                    new EmbeddedBroker.Login(settings.get("broker.consumer.user"), settings.get("broker.consumer.password")),
                    settings.integer("broker.duplicate-id-cache-size"),
                    settings.integer("broker.journal-buffer-timeout-us"));
            // started now, so the broker is up before any route, and stopped after them
            broker.start();
            context.addService(broker, true);
            url = EmbeddedBroker.IN_VM_URL;
        } else {
            LOG.info("Using the broker at {}", Settings.loggable(url));
        }
        String login = user.isBlank() ? null : user;
        String secret = password.isBlank() ? null : password;
        long timeout = settings.number("broker.call-timeout-ms");
        BrokerHealthCheck health = new BrokerHealthCheck(url, login, secret, timeout);
        HealthCheckRegistry.get(context).register(health);
        health.checkInBackground();
        return new BrokerAddress(url, login, secret, timeout);
    }

    private record BrokerAddress(String url, String user, String password, long callTimeoutMillis) {
        ActiveMQConnectionFactory connectionFactory() {
            return artemisConnectionFactory(url, user, password, callTimeoutMillis);
        }

        ActiveMQConnectionFactory transactedConnectionFactory() {
            return BrokerConfiguration.transactedConnectionFactory(connectionFactory());
        }
    }

    /**
     * The store's connections: every send is inside a transaction, so none needs to wait for its own
     * confirmation; the commit is the one call that waits, and it fails if any send of the
     * transaction did. Blocking sends would cost a broker round trip per event. Over TCP, the sends
     * of a transaction wait in the connection's buffer and go to the socket in one write with their
     * commit, which flushes it, instead of one write (and one broker wake-up) each; a URL that sets
     * {@code batchDelay} keeps its own.
     */
    static ActiveMQConnectionFactory transactedConnectionFactory(ActiveMQConnectionFactory factory) {
        factory.setBlockOnDurableSend(false);
        TransportConfiguration[] connectors = factory.getStaticConnectors();
        for (TransportConfiguration connector : connectors == null ? new TransportConfiguration[0] : connectors) {
            if (NettyConnectorFactory.class.getName().equals(connector.getFactoryClassName())) {
                connector.getParams().putIfAbsent(BATCH_DELAY, FLUSH_UNFLUSHED_WRITES_MILLIS);
            }
        }
        return factory;
    }

    /** The pooled connections the sink routes (camel-jms) consume and send through. */
    private static JmsPoolConnectionFactory pooled(CamelContext context, Settings settings, BrokerAddress broker)
            throws Exception {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(broker.connectionFactory());
        pool.setMaxConnections(settings.integer("broker.pool.max-connections"));
        pool.setBlockIfSessionPoolIsFullTimeout(broker.callTimeoutMillis());
        context.addService(new Stopper(pool::stop), true);
        return pool;
    }

    /** The bridge's Artemis client settings, whatever the URL says where it matters. */
    static ActiveMQConnectionFactory artemisConnectionFactory(String url, String user, String password,
            long callTimeoutMillis) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, user, password);
        // a durable send returns only once the broker has it on disk: that is what the 200 promises
        artemis.setBlockOnDurableSend(true);
        // a send to a dead broker must fail well inside Meta's 5 seconds, so the reply is a 503
        artemis.setCallTimeout(callTimeoutMillis);
        artemis.setCallFailoverTimeout(callTimeoutMillis);
        // a lost connection is retried within this, not Artemis's default 2 s, also inside Meta's 5 s
        artemis.setRetryInterval(Math.min(callTimeoutMillis, 250));
        // the bridge only sends and reads text: no JMS ObjectMessage is ever deserialized
        artemis.setDeserializationDenyList("*");
        return artemis;
    }
}
