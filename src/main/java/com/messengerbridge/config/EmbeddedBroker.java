package com.messengerbridge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
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
 * by consumers.
 * <p>
 * With the bridge's login set ({@code BROKER_USER}), every connection must log in, and each login
 * may do only what it needs, on the bridge's queues ({@code messenger.#}, {@code instagram.#},
 * {@code sink.#}) and nowhere else; no login may manage the broker:
 * <ul>
 * <li>the bridge's login sends to them, and consumes and browses {@code sink.#} for its sink
 * routes and the dead-letter redrive;</li>
 * <li>the consumers' login ({@code BROKER_CONSUMER_USER}) consumes and browses them. Without it,
 * the bridge's login is the consumers' login too.</li>
 * </ul>
 * Both may create a queue there (a consumer may start before the first event of its type).
 */
public final class EmbeddedBroker extends ServiceSupport {

    static final String IN_VM_URL = "vm://0";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final String BRIDGE_ROLE = "bridge";
    private static final String CONSUMER_ROLE = "consumer";
    private static final List<String> EVENT_QUEUES = List.of("messenger.#", "instagram.#");
    private static final String SINK_QUEUES = "sink.#";
    /**
     * The events all queues hold in memory together, by the broker's estimate (about 2.5 times that
     * on the heap); beyond it they are written to page files. A few thousand events: consumers that
     * keep up never page, and a bridge whose consumers are away keeps little of them on its heap.
     */
    static final long GLOBAL_MAX_SIZE_BYTES = 4L * 1024 * 1024;
    /**
     * Page files of 1 MiB, and a queue reads at most two of them ahead of its consumers. The
     * broker's defaults, 10 MiB and twice that, hold up to 20 MiB (about 50 MB of heap) per
     * paging queue, with no bound over all queues: a few queues backed up could exhaust the heap.
     */
    static final int PAGE_SIZE_BYTES = 1024 * 1024;
    static final int MAX_READ_PAGE_BYTES = 2 * PAGE_SIZE_BYTES;

    private final Path dataDirectory;
    private final String tcpAcceptorUrl;
    private final Login bridge;
    private final Login consumers;
    private final int duplicateIdCacheSize;
    private final int journalBufferTimeoutMicros;
    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();

    /** A user and password; blank when not set. */
    public record Login(String user, String password) {
        public static final Login NONE = new Login("", "");

        boolean isSet() {
            return !user.isBlank();
        }
    }

    public EmbeddedBroker(Path dataDirectory, String tcpAcceptorUrl, Login bridge, Login consumers,
            int duplicateIdCacheSize, int journalBufferTimeoutMicros) {
        requireLoginBeyondLoopback(tcpAcceptorUrl, bridge.user(), bridge.password());
        requireDistinctLogins(bridge, consumers);
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.tcpAcceptorUrl = tcpAcceptorUrl;
        this.bridge = bridge;
        this.consumers = consumers;
        this.duplicateIdCacheSize = duplicateIdCacheSize;
        this.journalBufferTimeoutMicros = journalBufferTimeoutMicros;
    }

    /**
     * Linux's asynchronous I/O where Artemis loads its native library and libaio, and the file
     * system takes it (not tmpfs); else Java's NIO. Both sync every commit to disk before the broker
     * confirms it.
     */
    static JournalType journalType(Path journalDirectory) throws IOException {
        Files.createDirectories(journalDirectory);
        return AIOSequentialFileFactory.isSupported() && AIOSequentialFileFactory.isSupported(journalDirectory.toFile())
                ? JournalType.ASYNCIO : JournalType.NIO;
    }

    /** The consumers' login is a second login: it needs the bridge's, a password, and a name of its own. */
    static void requireDistinctLogins(Login bridge, Login consumers) {
        if (!consumers.isSet()) {
            return;
        }
        if (!bridge.isSet()) {
            throw new IllegalArgumentException("BROKER_CONSUMER_USER is set without BROKER_USER: set the bridge's"
                    + " login too, or the broker requires no login at all");
        }
        if (consumers.password().isBlank()) {
            throw new IllegalArgumentException("BROKER_CONSUMER_USER is set without BROKER_CONSUMER_PASSWORD");
        }
        if (consumers.user().equals(bridge.user())) {
            throw new IllegalArgumentException("BROKER_CONSUMER_USER must differ from BROKER_USER");
        }
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
        boolean secured = bridge.isSet();
        Path journal = dataDirectory.resolve("journal");
        JournalType journalType = journalType(journal);
        Configuration configuration = new ConfigurationImpl()
                .setName("messenger-bridge-embedded")
                .setPersistenceEnabled(true)
                .setJournalType(journalType)
                // how long the journal gathers writes before one sync: a commit waits up to this
                // long, and each sync carries the commits of all requests that came meanwhile
                .setJournalBufferTimeout_AIO(journalBufferTimeoutMicros * 1000)
                .setJournalBufferTimeout_NIO(journalBufferTimeoutMicros * 1000)
                .setJournalDirectory(journal.toString())
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
                        .setPageSizeBytes(PAGE_SIZE_BYTES)
                        .setMaxReadPageBytes(MAX_READ_PAGE_BYTES)
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
            broker.setSecurityManager(logins(configuration));
        }
        broker.setConfiguration(configuration);
        broker.start();
        LOG.info("Embedded Artemis broker started: {} journal in {}, TCP acceptor {}, login {}", journalType,
                dataDirectory, tcpAcceptorUrl.isBlank() ? "off" : tcpAcceptorUrl,
                !secured ? "not required" : consumers.isSet() ? "required, consumers separate" : "required");
    }

    /** The logins and what each may do; every address not matched here allows nothing to anyone. */
    private ActiveMQSecurityManagerImpl logins(Configuration configuration) {
        ActiveMQSecurityManagerImpl securityManager = new ActiveMQSecurityManagerImpl();
        securityManager.getConfiguration().addUser(bridge.user(), bridge.password());
        securityManager.getConfiguration().addRole(bridge.user(), BRIDGE_ROLE);
        boolean separateConsumers = consumers.isSet();
        if (separateConsumers) {
            securityManager.getConfiguration().addUser(consumers.user(), consumers.password());
            securityManager.getConfiguration().addRole(consumers.user(), CONSUMER_ROLE);
        }
        Role consumer = role(CONSUMER_ROLE, false, true);
        for (String events : EVENT_QUEUES) {
            configuration.putSecurityRoles(events, Set.of(role(BRIDGE_ROLE, true, !separateConsumers), consumer));
        }
        configuration.putSecurityRoles(SINK_QUEUES, Set.of(role(BRIDGE_ROLE, true, true), consumer));
        return securityManager;
    }

    /** Send and read as given; create durable queues and addresses; never delete, manage, view or edit. */
    private static Role role(String name, boolean send, boolean consumeAndBrowse) {
        return new Role(name, send, consumeAndBrowse, true, false, false, false, false, consumeAndBrowse, true, false,
                false, false);
    }

    @Override
    protected void doStop() throws Exception {
        broker.stop();
    }
}
