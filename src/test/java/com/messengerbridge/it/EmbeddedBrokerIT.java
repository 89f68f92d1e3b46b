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
}
