package com.messengerbridge.config;

import com.messengerbridge.observe.BridgeMetrics;
import com.messengerbridge.webhook.AsyncHttpEngine;
import com.messengerbridge.webhook.BodyReader;
import com.messengerbridge.webhook.BrokerGate;
import com.messengerbridge.webhook.EventClassifier;
import com.messengerbridge.webhook.InFlightLimit;
import com.messengerbridge.webhook.SignatureVerifier;
import com.messengerbridge.webhook.SubscriptionVerifier;
import com.messengerbridge.webhook.WebhookEnvelopeReader;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans the webhook routes call by name (signature, envelope, classifier, broker gate), and
 * the HTTP server under them: bodies read within bounds, requests in flight bounded, and no
 * thread held while the broker stores a request's events.
 */
public final class WebhookConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookConfiguration.class);

    /** The webhook objects the bridge takes: a Page's (Messenger) and an Instagram account's. */
    private static final Set<String> OBJECTS = Set.of("page", "instagram");

    @BindToRegistry("subscriptionVerifier")
    public SubscriptionVerifier subscriptionVerifier(@PropertyInject("meta.verify-token") String verifyToken) {
        return new SubscriptionVerifier(verifyToken);
    }

    @BindToRegistry("webhookEnvelopeReader")
    public WebhookEnvelopeReader webhookEnvelopeReader() {
        return new WebhookEnvelopeReader(OBJECTS);
    }

    @BindToRegistry("brokerGate")
    public BrokerGate brokerGate(@PropertyInject("broker.unavailable-cool-down-ms") long coolDownMillis) {
        return new BrokerGate(coolDownMillis);
    }

    @BindToRegistry("eventClassifier")
    public EventClassifier eventClassifier(@PropertyInject("queue.prefix.page") String page,
            @PropertyInject("queue.prefix.instagram") String instagram,
            @PropertyInject("meta.own-app-ids") String ownAppIds) {
        return new EventClassifier(Map.of("page", page, "instagram", instagram),
                Set.copyOf(Settings.items(ownAppIds)));
    }

    /**
     * Vert.x under both HTTP servers (webhook and management) serves no files: without this it
     * makes a {@code vertx-cache-*} folder in the temporary folder at start, which a killed bridge
     * leaves behind, one more at every restart. platform-http takes these options from the registry.
     */
    @BindToRegistry("vertxOptions")
    public VertxOptions vertxOptions() {
        return new VertxOptions().setFileSystemOptions(new FileSystemOptions()
                .setClassPathResolvingEnabled(false).setFileCachingEnabled(false));
    }

    /** What needs more than a setting: the signature check's secrets and meters, and the HTTP engine. */
    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        if (settings.get("meta.verify-token").isBlank()) {
            LOG.warn("META_VERIFY_TOKEN is not set: every verification GET will be refused with 403");
        }
        BridgeMetrics metrics = settings.bean("bridgeMetrics", BridgeMetrics.class);
        SignatureVerifier verifier = signatureVerifier(settings);
        verifier.bindTo(metrics.registry());
        context.getRegistry().bind("signatureVerifier", verifier);

        // platform-http that reads bodies within bounds, and lets a request's thread go while the
        // broker stores its events
        InFlightLimit limit = new InFlightLimit(settings.integer("webhook.max-in-flight"));
        limit.bindTo(metrics.registry());
        BodyReader bodies = new BodyReader(settings.number("webhook.max-body-bytes"),
                settings.number("webhook.max-in-flight-bytes"), settings.number("webhook.body-timeout-ms"));
        bodies.bindTo(metrics.registry());
        context.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class,
                new AsyncHttpEngine(bodies, limit, metrics));
        HttpServers.requireListening(context);
        HttpServers.closeIdleConnections(context, settings.integer("http.idle-timeout-seconds"));
    }

    /** Fails closed: no App Secret, no start, unless the insecure opt-out for local trials is set. */
    private static SignatureVerifier signatureVerifier(Settings settings) {
        List<String> secrets = settings.list("meta.app-secret");
        if (!Boolean.parseBoolean(settings.get("meta.insecure-skip-signature"))) {
            return new SignatureVerifier(secrets);
        }
        if (!secrets.isEmpty()) {
            // a production setting and a trial switch together: whichever was meant, one is a mistake
            throw new IllegalArgumentException("META_INSECURE_SKIP_SIGNATURE=true and META_APP_SECRET are both set:"
                    + " remove META_INSECURE_SKIP_SIGNATURE to verify signatures, or META_APP_SECRET for a local trial");
        }
        for (int i = 0; i < 3; i++) {
            LOG.warn("INSECURE: META_INSECURE_SKIP_SIGNATURE=true, X-Hub-Signature-256 is NOT checked: anyone who can"
                    + " reach this bridge can inject events. For local trials only; never in production.");
        }
        return SignatureVerifier.insecureNoCheck();
    }
}
