package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/**
 * The bridge on its defaults: Artemis embedded in the process, journal on disk, login required:
 * the bridge's own, and a separate one for the consumers, with which this test reads.
 */
class EmbeddedBrokerIT extends BridgeContract {

    private static final String USER = "embedded-user";
    private static final String PASSWORD = "embedded-password";
    private static final String CONSUMER_USER = "embedded-consumer";
    private static final String CONSUMER_PASSWORD = "embedded-consumer-password";
    private String acceptor;

    @Override
    protected void startBrokerAndBridge() throws Exception {
        acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        // the latest ones: a test kills and restarts the bridge, and connects anew
        stopAfterAll.addLatest(() -> bridge);
        stopAfterAll.addLatest(() -> broker);
        bridge = BridgeProcess.startFresh("embedded", env());
        broker = consumers();
    }

    private java.util.Map<String, String> env() {
        return BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor, "BROKER_USER", USER, "BROKER_PASSWORD", PASSWORD,
                "BROKER_CONSUMER_USER", CONSUMER_USER, "BROKER_CONSUMER_PASSWORD", CONSUMER_PASSWORD);
    }

    /** The consumers' login may not ask the broker for its queues: it counts those of every routed field. */
    private BrokerClient consumers() throws Exception {
        java.util.Set<String> queues = new java.util.TreeSet<>();
        for (String field : com.messengerbridge.tools.RoutedFields.of(com.messengerbridge.tools.RoutedFields.DEFAULT_TABLE)) {
            queues.add("messenger." + field);
            queues.add("instagram." + field);
        }
        return new BrokerClient(acceptor, CONSUMER_USER, CONSUMER_PASSWORD, queues);
    }

    /**
     * Each login does its part on the bridge's queues and nothing else, over TCP as consumers
     * connect: the bridge's sends events and reads its sink queues, the consumers' reads and
     * browses; neither manages the broker, and no one gets in without a login.
     */
    @Test
    void eachBrokerLoginMayDoOnlyItsPart() throws Exception {
        String mid = Events.uniqueMid();
        assertThat(webhook.post(Events.page(Events.message("7500000000000003", mid, 1718035700002L, "logins")))
                .statusCode()).isEqualTo(200);
        assertThat(broker.browse("messenger.messages", 1, java.time.Duration.ofSeconds(10))).hasSize(1);
        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);

        try (jakarta.jms.Connection bridgeLogin = connect(USER, PASSWORD);
                jakarta.jms.Connection consumerLogin = connect(CONSUMER_USER, CONSUMER_PASSWORD)) {
            jakarta.jms.Session asBridge = bridgeLogin.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Session asConsumer = consumerLogin.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);

            send(asBridge, "messenger.permission_check");
            send(asBridge, "sink.permission_check");
            asBridge.createConsumer(asBridge.createQueue("sink.permission_check")).close();
            asBridge.createBrowser(asBridge.createQueue("sink.permission_check.dlq")).close();
            assertRefused(() -> asBridge.createConsumer(asBridge.createQueue("messenger.permission_check")));
            assertRefused(() -> asBridge.createBrowser(asBridge.createQueue("instagram.messages")).getEnumeration());
            assertRefused(() -> send(asBridge, "elsewhere"));
            assertRefused(() -> asBridge.createConsumer(asBridge.createQueue("DLQ")));

            asConsumer.createConsumer(asConsumer.createQueue("messenger.permission_check")).close();
            asConsumer.createBrowser(asConsumer.createQueue("sink.permission_check")).getEnumeration();
            assertRefused(() -> send(asConsumer, "messenger.messages"));
            assertRefused(() -> send(asConsumer, "sink.permission_check"));
            assertRefused(() -> asConsumer.createConsumer(asConsumer.createQueue("DLQ")));
            assertRefused(() -> asConsumer.createConsumer(asConsumer.createQueue("elsewhere")));

            for (jakarta.jms.Session login : java.util.List.of(asBridge, asConsumer)) {
                jakarta.jms.Message askQueueNames = login.createMessage();
                org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.putAttribute(askQueueNames,
                        org.apache.activemq.artemis.api.core.management.ResourceNames.BROKER, "queueNames");
                assertRefused(() -> login.createProducer(login.createQueue("activemq.management")).send(askQueueNames));
            }
        }
        assertRefused(() -> connect(null, null));
        assertRefused(() -> connect(CONSUMER_USER, PASSWORD));
    }

    private jakarta.jms.Connection connect(String user, String password) throws jakarta.jms.JMSException {
        jakarta.jms.Connection connection = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(acceptor,
                user, password).createConnection();
        connection.start();
        return connection;
    }

    /** A persistent send waits for the broker's answer, so a refusal surfaces here. */
    private static void send(jakarta.jms.Session session, String queue) throws jakarta.jms.JMSException {
        try (jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(session.createTextMessage("{}"));
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable action) {
        org.assertj.core.api.Assertions.assertThatThrownBy(action).isInstanceOf(jakarta.jms.JMSSecurityException.class);
    }

    /** A 200 means on disk: the events are still there after the process is killed without warning. */
    @Test
    void acknowledgedEventsSurviveAKilledProcess() throws Exception {
        String mid = Events.uniqueMid();
        assertThat(webhook.post(Events.page(Events.message("7500000000000001", mid, 1718035700000L, "keep me")))
                .statusCode()).isEqualTo(200);

        broker.close();
        bridge.kill();
        bridge = BridgeProcess.start("embedded", env());
        broker = consumers();
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);

        TextMessage stored = broker.receive("messenger.messages", 1).get(0);
        assertThat(stored.getStringProperty("metaMid")).isEqualTo(mid);
    }

    /** send-test-event: every generated type is signed, accepted and lands on its queue; the verification GET too. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "page, messages, messenger.messages", "page, message_echoes, messenger.message_echoes",
            "page, message_deliveries, messenger.message_deliveries", "page, message_reads, messenger.message_reads",
            "page, messaging_postbacks, messenger.messaging_postbacks",
            "page, messaging_optins, messenger.messaging_optins",
            "page, messaging_referrals, messenger.messaging_referrals",
            "page, messaging_account_linking, messenger.messaging_account_linking",
            "page, messaging_handovers, messenger.messaging_handovers",
            "page, messaging_policy_enforcement, messenger.messaging_policy_enforcement",
            "page, message_reactions, messenger.message_reactions", "page, message_edits, messenger.message_edits",
            "page, response_feedback, messenger.response_feedback", "page, standby, messenger.standby",
            "page, feed, messenger.feed", "instagram, messages, instagram.messages"})
    void sendTestEventSendsEachTypeToItsQueue(String object, String type, String queue) throws Exception {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

        int exit = com.messengerbridge.tools.SendTestEvent.run(new String[] {"post", "--type", type, "--object", object,
                "--url", "http://127.0.0.1:" + bridge.httpPort() + "/webhook"},
                java.util.Map.of("META_APP_SECRET", BridgeProcess.APP_SECRET), new java.io.PrintStream(printed, true));

        assertThat(printed.toString()).contains("200 EVENT_RECEIVED");
        assertThat(exit).isZero();
        TextMessage stored = broker.receive(queue, 1).get(0);
        assertThat(stored.getStringProperty("metaObject")).isEqualTo(object);
    }

    /** The shell command users run: the verification GET, a fixture file, and an unsigned POST's 401. */
    @Test
    void theSendTestEventCommandPrintsWhatCameBack() throws Exception {
        String url = "http://127.0.0.1:" + bridge.httpPort() + "/webhook";

        assertThat(command("verify", "--url", url)).contains("200 CHALLENGE_ACCEPTED");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("event", ".json");
        String mid = Events.uniqueMid();
        java.nio.file.Files.writeString(file, Events.page(Events.message("7500000000000002", mid, 1718035700001L, "file")));
        assertThat(command("post", "--file", file.toString(), "--url", url)).contains("signed")
                .contains("200 EVENT_RECEIVED");
        assertThat(command("post", "--type", "messages", "--unsigned", "--url", url)).contains("401 unauthorized");
        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
        java.nio.file.Files.delete(file);
    }

    private static String command(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bin/send-test-event"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("META_APP_SECRET", BridgeProcess.APP_SECRET);
        builder.environment().put("META_VERIFY_TOKEN", BridgeProcess.VERIFY_TOKEN);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
