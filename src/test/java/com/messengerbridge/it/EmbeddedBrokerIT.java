package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/** The bridge on its defaults: Artemis embedded in the process, journal on disk, login required. */
class EmbeddedBrokerIT extends BridgeContract {

    private static final String USER = "embedded-user";
    private static final String PASSWORD = "embedded-password";
    private String acceptor;

    @Override
    protected void startBrokerAndBridge() throws Exception {
        acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = BridgeProcess.startFresh("embedded", env());
        broker = new BrokerClient(acceptor, USER, PASSWORD);
    }

    private java.util.Map<String, String> env() {
        return BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor, "BROKER_USER", USER, "BROKER_PASSWORD", PASSWORD);
    }

    @Override
    protected void stopBrokerAndBridge() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
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
        broker = new BrokerClient(acceptor, USER, PASSWORD);
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
