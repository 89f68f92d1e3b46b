package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Beyond one machine: two bridges on a replicated Artemis primary/backup pair, the distribution's
 * own HA. Meta's retries reach both bridges through a load balancer, so every request goes to
 * both; the primary is killed mid-run. Every acknowledged event is on the backup exactly once,
 * nothing is answered 200 unless stored, and both bridges carry on without a restart.
 */
@Tag(Tiers.FULL)
class HighAvailabilityIT {

    private static final int PRIMARY_OFFSET = 1500;
    private static final int BACKUP_OFFSET = 1600;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void twoBridgesKeepEveryPromiseWhenThePrimaryBrokerDies() throws Exception {
        try (ArtemisDistribution primary = ArtemisDistribution.createReplicated("ha-primary", PRIMARY_OFFSET,
                BACKUP_OFFSET, false).start();
                ArtemisDistribution backup = ArtemisDistribution.createReplicated("ha-backup", BACKUP_OFFSET,
                        PRIMARY_OFFSET, true).startBackup()) {
            // AMQ221024: the backup holds a full copy of the primary's journal
            backup.awaitLog("AMQ221024", WAIT);
            String haUrl = "(" + primary.url() + "," + backup.url() + ")?ha=true&reconnectAttempts=-1";
            Map<String, String> env = BridgeProcess.env("BROKER_URL", haUrl, "BROKER_USER", ArtemisDistribution.USER,
                    "BROKER_PASSWORD", ArtemisDistribution.PASSWORD);
            BridgeProcess first = BridgeProcess.startFresh("ha-bridge-1", env);
            BridgeProcess second = BridgeProcess.startFresh("ha-bridge-2", env);
            LoadDriver load = new LoadDriver(List.of(new Webhook(first.httpPort(), BridgeProcess.APP_SECRET),
                    new Webhook(second.httpPort(), BridgeProcess.APP_SECRET)), "ha");
            Instant killed;
            try {
                load.start(4);
                load.awaitMoreAcknowledged(300, WAIT);

                killed = Instant.now();
                primary.kill();
                backup.awaitLog("AMQ221007", WAIT); // "Server is now active": the backup took over

                load.awaitMoreAcknowledged(300, WAIT);
                ReliabilityIT.awaitReadiness(first, 200);
                ReliabilityIT.awaitReadiness(second, 200);
            } finally {
                load.stop();
                first.close();
                second.close();
            }

            List<LoadDriver.Sent> sent = load.sent();
            assertThat(sent).as("every reply is a 200 or a 503, inside Meta's 5 seconds").allSatisfy(s -> {
                assertThat(s.status()).isIn(200, 503);
                assertThat(s.took()).isLessThan(Duration.ofSeconds(5));
            });
            for (int bridge = 0; bridge < 2; bridge++) {
                int index = bridge;
                assertThat(sent).as("bridge %d stores again after the failover, without a restart", bridge + 1)
                        .anySatisfy(s -> {
                            assertThat(s.bridge()).isEqualTo(index);
                            assertThat(s.status()).isEqualTo(200);
                            assertThat(s.at()).isAfter(killed);
                        });
            }
            Instant firstStoredAfter = sent.stream().filter(s -> s.status() == 200 && s.at().isAfter(killed))
                    .map(LoadDriver.Sent::at).min(Instant::compareTo).orElseThrow();
            List<Long> refusedAt = sent.stream().filter(s -> s.status() == 503)
                    .map(s -> Duration.between(killed, s.at()).toMillis()).sorted().toList();
            System.out.printf("failover: primary killed, first 200 after %d ms; %d requests answered 503 (sent %s ms"
                    + " after the kill), %d answered 200%n", Duration.between(killed, firstStoredAfter).toMillis(),
                    refusedAt.size(), refusedAt.isEmpty() ? "-" : refusedAt.get(0) + " to "
                    + refusedAt.get(refusedAt.size() - 1), sent.stream().filter(s -> s.status() == 200).count());
            // "never 200 for an event not stored": every acknowledged event is on the backup, once
            ReliabilityIT.assertNothingLost("two bridges, primary broker killed", load.acknowledged(), backup.url(),
                    ArtemisDistribution.USER, ArtemisDistribution.PASSWORD);
        }
    }
}
