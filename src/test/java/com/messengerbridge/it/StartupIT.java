package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bridge fails closed: no App Secret, no start, unless a loud opt-out says so for a local trial. */
class StartupIT {

    @Test
    void refusesToStartWithoutAnAppSecret() throws Exception {
        int exitCode = BridgeProcess.startExpectingExit("no-secret", Map.of("META_APP_SECRET", "",
                "BROKER_EMBEDDED_ACCEPTOR", ""));

        assertThat(exitCode).isEqualTo(1);
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("target/it/no-secret/bridge.log")))
                .contains("no App Secret configured: set META_APP_SECRET");
    }

    @Test
    void theInsecureOptOutAcceptsUnsignedRequestsAndSaysSoLoudly() throws Exception {
        try (BridgeProcess bridge = BridgeProcess.startFresh("insecure", Map.of("META_APP_SECRET", "",
                "META_INSECURE_SKIP_SIGNATURE", "true", "BROKER_EMBEDDED_ACCEPTOR", ""))) {
            byte[] body = Events.page(Events.message("7800000000000001", "m_insecure_1", 1718080000000L, "trial"))
                    .getBytes(StandardCharsets.UTF_8);

            int status = new Webhook(bridge.httpPort(), "unused").post(body, "Content-Type", "application/json")
                    .statusCode();

            assertThat(status).isEqualTo(200);
            assertThat(BridgeContract.occurrences(bridge.log(), "INSECURE: META_INSECURE_SKIP_SIGNATURE=true"))
                    .isGreaterThanOrEqualTo(3);
        }
    }
}
