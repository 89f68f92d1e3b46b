package com.messengerbridge.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, when META_PAGE_ID and META_PAGE_ACCESS_TOKEN are set: asks the Graph API what the
 * Page is subscribed to, and warns when a field the routing table queues is missing, since Meta
 * would then never send it. It only warns: the bridge serves either way.
 */
public final class SubscriptionCheck implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionCheck.class);

    private final GraphApi graph;
    private final String pageId;
    private final String pageToken;
    private final String appId;
    private final Path routingTable;

    public SubscriptionCheck(GraphApi graph, String pageId, String pageToken, String appId, Path routingTable) {
        this.graph = graph;
        this.pageId = pageId;
        this.pageToken = pageToken;
        this.appId = appId;
        this.routingTable = routingTable;
    }

    @Override
    public void run() {
        try {
            if (!Files.exists(routingTable)) {
                LOG.info("subscription check skipped: no routing table at {}", routingTable);
                return;
            }
            Set<String> missing = new TreeSet<>(RoutedFields.of(routingTable));
            Set<String> subscribed = GraphApi.subscribedFields(graph.subscribedApps(pageId, pageToken), appId);
            missing.removeAll(subscribed);
            if (missing.isEmpty()) {
                LOG.info("Page {} is subscribed to every field the routing table queues", pageId);
            } else {
                LOG.warn("Page {} is not subscribed to {}: Meta will not send these events; run bin/subscribe page",
                        pageId, String.join(",", missing));
            }
        } catch (Exception failed) {
            // not the Page id: a malformed one is whatever was pasted there, a token perhaps
            LOG.warn("subscription check failed: {}", failed.getMessage());
        }
    }
}
