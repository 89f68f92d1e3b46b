package com.messengerbridge.config;

import java.nio.file.Path;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Artemis broker the bridge runs in its own process when no {@code BROKER_URL} is set:
 * persistent, its journal under {@code dataDirectory}, reachable in-VM by the bridge and over TCP
 * by consumers. With a user configured, every connection must log in as that user.
 */
public final class EmbeddedBroker extends ServiceSupport {

    static final String IN_VM_URL = "vm://0";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final String ROLE = "bridge";
    /**
     * The events all queues hold in memory together, by the broker's estimate (about
     * 2.5 times that on the heap).
     */
    static final long GLOBAL_MAX_SIZE_BYTES = 48L * 1024 * 1024;

    private final Path dataDirectory;
    private final String tcpAcceptorUrl;
    private final String user;
    private final String password;
    private final int duplicateIdCacheSize;
    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();

    public EmbeddedBroker(Path dataDirectory, String tcpAcceptorUrl, String user, String password,
            int duplicateIdCacheSize) {
        requireLoginBeyondLoopback(tcpAcceptorUrl, user, password);
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.tcpAcceptorUrl = tcpAcceptorUrl;
        this.user = user;
        this.password = password;
        this.duplicateIdCacheSize = duplicateIdCacheSize;
    }

    /**
     * An acceptor that other machines can reach serves the events to anyone who connects, unless
     * the broker requires a login: refused at start.
     */
    static void requireLoginBeyondLoopback(String tcpAcceptorUrl, String user, String password) {
        if (tcpAcceptorUrl.isBlank() || (!user.isBlank() && !password.isBlank())) {
            return;
        }
        String host = java.net.URI.create(tcpAcceptorUrl).getHost();
        boolean loopback;
        try {
            loopback = host != null && java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException unknown) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException("BROKER_EMBEDDED_ACCEPTOR listens on " + host + ", beyond this machine:"
                    + " set BROKER_USER and BROKER_PASSWORD, or keep the acceptor on 127.0.0.1");
        }
    }

    @Override
    protected void doStart() throws Exception {
        boolean secured = !user.isBlank();
        Configuration configuration = new ConfigurationImpl()
                .setName("messenger-bridge-embedded")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .setIDCacheSize(duplicateIdCacheSize)
                .setPersistIDCache(true)
                .setSecurityEnabled(secured)
                .setJMXManagementEnabled(false)
                // events waiting for consumers beyond this are paged to disk, not held on the heap:
                // the bridge's heap stays small however long consumers are away
                .setGlobalMaxSize(GLOBAL_MAX_SIZE_BYTES)
                .addAcceptorConfiguration("in-vm", IN_VM_URL)
                // queues appear on first send and stay, so consumers find them whatever the order
                .addAddressSetting("#", new AddressSettings()
                        .setAutoCreateQueues(true)
                        .setAutoCreateAddresses(true)
                        .setAutoDeleteQueues(false)
                        .setAutoDeleteAddresses(false)
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        if (!tcpAcceptorUrl.isBlank()) {
            configuration.addAcceptorConfiguration("tcp", tcpAcceptorUrl);
        }
        if (secured) {
            ActiveMQSecurityManagerImpl securityManager = new ActiveMQSecurityManagerImpl();
            securityManager.getConfiguration().addUser(user, password);
            securityManager.getConfiguration().addRole(user, ROLE);
            configuration.putSecurityRoles("#",
                    Set.of(new Role(ROLE, true, true, true, true, true, true, true, true, true, true, true, true)));
            broker.setSecurityManager(securityManager);
        }
        broker.setConfiguration(configuration);
        broker.start();
        LOG.info("Embedded Artemis broker started: journal in {}, TCP acceptor {}, login {}", dataDirectory,
                tcpAcceptorUrl.isBlank() ? "off" : tcpAcceptorUrl, secured ? "required" : "not required");
    }

    @Override
    protected void doStop() throws Exception {
        broker.stop();
    }
}
