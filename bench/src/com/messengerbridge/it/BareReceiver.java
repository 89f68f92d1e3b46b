package com.messengerbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Benchmark F: the floor of the bridge's own libraries on this machine, with no Camel and no store of
 * the bridge's. A Vert.x server checks each POST's signature, parses it with Jackson, sends each
 * messaging event to the broker persistent, with its duplicate id and its conversation's group, and
 * answers 200 once the broker has confirmed every one of them (JMS 2.0 asynchronous sends), 503 if
 * any send failed. It keeps the bridge's promise for a request's events one by one, not its
 * transaction: nothing here counts duplicates, routes by type, or bounds what is in flight.
 *
 * <p>Started by {@code bin/messenger-bridge}, so with the bridge's own JVM settings, and configured as
 * the bridge is: {@code HTTP_PORT}, {@code BROKER_URL}, {@code BROKER_USER}, {@code BROKER_PASSWORD},
 * {@code META_APP_SECRET}.
 */
public final class BareReceiver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final String queue;
    private final SecretKeySpec key;
    /** JMS sessions are single-threaded: one for each Vert.x event loop, which sends without waiting. */
    private final ThreadLocal<MessageProducer> producers;
    private final ThreadLocal<Session> sessions = new ThreadLocal<>();
    private final ThreadLocal<Mac> macs;

    private BareReceiver(Connection connection, String queue, String appSecret) {
        this.connection = connection;
        this.queue = queue;
        this.key = new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.producers = ThreadLocal.withInitial(this::newProducer);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public static void main(String... args) throws Exception {
        int port = Integer.parseInt(System.getenv("HTTP_PORT"));
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(System.getenv("BROKER_URL"),
                System.getenv("BROKER_USER"), System.getenv("BROKER_PASSWORD"));
        // without a confirmation window the client calls a CompletionListener as soon as it has sent,
        // before the broker has stored anything; with one, once the broker confirms the stored send
        factory.setConfirmationWindowSize(1024 * 1024);
        Connection connection = factory.createConnection();
        connection.start();
        BareReceiver receiver = new BareReceiver(connection, "messenger.messages", System.getenv("META_APP_SECRET"));
        Vertx.vertx().createHttpServer().requestHandler(receiver::handle).listen(port)
                .toCompletionStage().toCompletableFuture().join();
        System.out.println("bare receiver listening on " + port);
    }

    private void handle(HttpServerRequest request) {
        String signature = request.getHeader("X-Hub-Signature-256");
        request.body().onSuccess(body -> {
            byte[] bytes = body.getBytes();
            if (!signed(bytes, signature)) {
                request.response().setStatusCode(401).end();
                return;
            }
            List<JsonNode> events = new ArrayList<>();
            try {
                for (JsonNode entry : JSON.readTree(bytes).path("entry")) {
                    entry.path("messaging").forEach(events::add);
                }
            } catch (Exception unreadable) {
                request.response().setStatusCode(400).end();
                return;
            }
            if (events.isEmpty()) {
                request.response().setStatusCode(200).end("EVENT_RECEIVED");
                return;
            }
            AtomicInteger waiting = new AtomicInteger(events.size());
            AtomicBoolean answered = new AtomicBoolean();
            CompletionListener confirmation = new CompletionListener() {
                private volatile boolean failed;

                @Override
                public void onCompletion(Message message) {
                    if (waiting.decrementAndGet() == 0 && answered.compareAndSet(false, true)) {
                        request.response().setStatusCode(failed ? 503 : 200).end(failed ? "" : "EVENT_RECEIVED");
                    }
                }

                @Override
                public void onException(Message message, Exception failure) {
                    failed = true;
                    onCompletion(message);
                }
            };
            try {
                MessageProducer producer = producers.get();
                for (JsonNode event : events) {
                    TextMessage message = sessions.get().createTextMessage(JSON.writeValueAsString(event));
                    message.setStringProperty(org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID
                            .toString(), "messages:" + event.path("message").path("mid").asText());
                    message.setStringProperty("JMSXGroupID", event.path("sender").path("id").asText());
                    producer.send(message, confirmation);
                }
            } catch (Exception refused) {
                if (answered.compareAndSet(false, true)) {
                    request.response().setStatusCode(503).end();
                }
            }
        });
    }

    private boolean signed(byte[] body, String signature) {
        if (signature == null || !signature.startsWith("sha256=")) {
            return false;
        }
        byte[] expected = macs.get().doFinal(body);
        return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature.substring("sha256=".length())));
    }

    private MessageProducer newProducer() {
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sessions.set(session);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            return producer;
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }
}
