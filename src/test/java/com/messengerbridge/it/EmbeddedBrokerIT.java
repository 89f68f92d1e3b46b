package com.messengerbridge.it;

/** The bridge on its defaults: Artemis embedded in the process, journal on disk, login required. */
class EmbeddedBrokerIT extends BridgeContract {

    private static final String USER = "embedded-user";
    private static final String PASSWORD = "embedded-password";

    @Override
    protected void startBrokerAndBridge() throws Exception {
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = BridgeProcess.startFresh("embedded", BridgeProcess.env(
                "BROKER_EMBEDDED_ACCEPTOR", acceptor, "BROKER_USER", USER, "BROKER_PASSWORD", PASSWORD));
        broker = new BrokerClient(acceptor, USER, PASSWORD);
    }

    @Override
    protected void stopBrokerAndBridge() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
    }
}
