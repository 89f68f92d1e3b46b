package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The bridge on {@code BROKER_URL}: the standalone Artemis 2.44.0 distribution, started by the test. */
@Tag(Tiers.FULL)
class StandaloneBrokerIT extends BridgeContract {

    private static final int PORT_OFFSET = 1100;
    private ArtemisDistribution artemis;

    @Override
    protected void startBrokerAndBridge() throws Exception {
        artemis = stopAfterAll.add(ArtemisDistribution.create("standalone", PORT_OFFSET).start());
        bridge = stopAfterAll.add(BridgeProcess.startFresh("standalone", BridgeProcess.env("BROKER_URL", artemis.url(),
                "BROKER_USER", ArtemisDistribution.USER, "BROKER_PASSWORD", ArtemisDistribution.PASSWORD)));
        stopAfterAll.addLatest(() -> broker); // the outage test connects anew
        broker = new BrokerClient(artemis.url(), ArtemisDistribution.USER, ArtemisDistribution.PASSWORD);
    }

    /** With the broker gone the reply is 503 inside Meta's 5 seconds, so Meta retries; then it recovers. */
    @Test
    void brokerDownAnswers503QuicklyAndTheRetryIsStored() throws Exception {
        String mid = Events.uniqueMid();
        String body = Events.page(Events.message("7200000000000001", mid, 1718035400000L, "during outage"));
        broker.close();
        artemis.stop();
        try {
            Instant sent = Instant.now();
            HttpResponse<String> response = webhook.post(body);
            Duration took = Duration.between(sent, Instant.now());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        } finally {
            artemis.start();
            broker = new BrokerClient(artemis.url(), ArtemisDistribution.USER, ArtemisDistribution.PASSWORD);
        }

        // Meta retries until it gets a 200; so does this test, for at most 30 seconds
        Instant deadline = Instant.now().plusSeconds(30);
        int status;
        do {
            status = webhook.post(body).statusCode();
            if (status != 200) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } while (status != 200 && Instant.now().isBefore(deadline));
        assertThat(status).isEqualTo(200);
        assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);
    }
}
