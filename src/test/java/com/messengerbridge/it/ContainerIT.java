package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The container files, built and run for real: the image from {@code src/main/docker/Dockerfile},
 * then {@code docker-compose.yml}'s default stack and its {@code ha} profile, started as the README
 * says with only the variables it names (podman and podman-compose stand in for Docker here).
 * Compose runs in a copy of the project's compose file, routes and balancer settings under
 * {@code target/container/compose}, so that editing the mounted routes leaves the project's alone.
 */
@Tag(Tiers.FULL)
class ContainerIT {

    private static final String APP_SECRET = "container-app-secret";
    private static final String VERIFY_TOKEN = "container-verify-token";
    private static final String BROKER_USER = "bridge"; // the compose file's default
    private static final String BROKER_PASSWORD = "container-broker-password";
    /** What the README exports before {@code docker compose up}, and nothing more. */
    private static final Map<String, String> README_VARIABLES = Map.of("META_APP_SECRET", APP_SECRET,
            "META_VERIFY_TOKEN", VERIFY_TOKEN, "BROKER_PASSWORD", BROKER_PASSWORD);
    private static final String BRIDGE = "bridge";
    private static final String BROKER = "artemis";
    private static final String BROKER_URL = "tcp://127.0.0.1:61616"; // the port the compose file publishes
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Compose's default stop grace period: past it the container is killed. */
    private static final int GRACE_SECONDS = 10;

    private static final Path COMPOSE_DIRECTORY = Podman.WORK.resolve("compose");
    private static Podman podman;

    @BeforeAll
    static void buildTheImage() throws Exception {
        podman = new Podman(COMPOSE_DIRECTORY, "mbtest", README_VARIABLES);
        // as the README builds it, with the host's Maven cache mounted so the build stage downloads nothing again
        // (docker format: podman's default OCI format would drop the Dockerfile's HEALTHCHECK)
        new Podman(Path.of("").toAbsolutePath(), "mbtest", Map.of()).podman("build", "-q", "--format", "docker",
                "-v", Path.of(System.getProperty("user.home"), ".m2") + ":/root/.m2",
                "-f", "src/main/docker/Dockerfile", "-t", "messenger-bridge", ".");
    }

    /** A fresh copy for each stack: one test's route edit is not the next one's routing table. */
    @BeforeEach
    void copyTheComposeFiles() throws Exception {
        ArtemisDistribution.deleteRecursively(COMPOSE_DIRECTORY);
        copy(Path.of("docker-compose.yml"));
        copy(Path.of("src/main/docker/nginx-ha.conf"));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                copy(route);
            }
        }
        // what an interrupted earlier run may have left would stop compose up
        podman.down(BROKER, BRIDGE, "artemis-primary", "artemis-backup", "bridge-ha-1", "bridge-ha-2", "balancer");
    }

    /** check-routes in the image, as a pipeline runs it on mounted routes: 0 on the shipped ones, 1 on a broken edit. */
    @Test
    void checkRoutesInTheImageFindsABrokenEdit() throws Exception {
        Path routes = COMPOSE_DIRECTORY.resolve("routes");
        Podman.Result good = podman.tryPodman("run", "--rm", "--entrypoint", "check-routes", "-v",
                routes + ":/app/routes:ro", "messenger-bridge");
        assertThat(good.exitCode()).as(good.output()).isZero();
        assertThat(good.output()).contains("check-routes: routes OK");

        Path table = routes.resolve("event-routing.camel.yaml");
        Files.writeString(table, Files.readString(table).replace("ref: bridgeMetrics", "ref: noSuchBean"));
        Podman.Result broken = podman.tryPodman("run", "--rm", "--entrypoint", "check-routes", "-v",
                routes + ":/app/routes:ro", "messenger-bridge");
        assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
        assertThat(broken.output()).contains("ERROR routes/event-routing.camel.yaml:").contains("noSuchBean");
    }

    @Test
    void theDefaultStackKeepsEveryPromise() throws Exception {
        podman.compose("up", "-d", BROKER, BRIDGE);
        try {
            podman.awaitHealthy(BRIDGE, WAIT);
            Webhook meta = new Webhook(1337, APP_SECRET);

            HttpResponse<String> verification = meta.get("/webhook?hub.mode=subscribe&hub.verify_token="
                    + VERIFY_TOKEN + "&hub.challenge=container-challenge");
            assertThat(verification.statusCode()).isEqualTo(200);
            assertThat(verification.body()).isEqualTo("container-challenge");

            String mid = Events.uniqueMid();
            assertThat(meta.post(Events.page(Events.message("7100000000000001", mid, 1718035201000L, "hi")))
                    .statusCode()).isEqualTo(200);
            try (BrokerClient broker = connect()) {
                assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaMid")).isEqualTo(mid);

                String tool = podman.podman("exec", podman.container(BRIDGE), "send-test-event", "post", "--type",
                        "messages");
                assertThat(tool).contains("200 EVENT_RECEIVED");
                assertThat(broker.receive("messenger.messages", 1).get(0).getStringProperty("metaField"))
                        .isEqualTo("messages");
            }

            assertThat(podman.podman("top", podman.container(BRIDGE), "huser", "comm")).as("the bridge's process")
                    .containsPattern("(?m)^10001\\s+java$").doesNotContainPattern("(?m)^0\\s");
            assertThat(podman.podman("inspect", "-f", "{{.State.Health.Status}}", podman.container(BRIDGE)))
                    .contains("healthy");
            assertThat(podman.podman("top", podman.container(BROKER), "args")).as("the broker's JVM")
                    .contains(ArtemisDistribution.COMPOSE_JAVA_ARGS_APPEND);

            routeEditTakesEffectAfterARestart(meta);
            storedEventsOutliveABrokerRestart(meta);
            stopsCleanlyOnSigterm();
        } finally {
            Files.writeString(Podman.WORK.resolve("default-stack-bridge.log"), podman.logs(BRIDGE));
            podman.down(BROKER, BRIDGE);
        }
    }

    /** The README: edit a file under routes/ on the host, restart the bridge container. */
    private static void routeEditTakesEffectAfterARestart(Webhook meta) throws Exception {
        Path table = COMPOSE_DIRECTORY.resolve("routes/event-routing.camel.yaml");
        String line = "constant: messages }";
        assertThat(Files.readString(table)).containsOnlyOnce(line);
        Files.writeString(table, Files.readString(table).replace(line, "constant: messages_edited }"));
        podman.compose("restart", BRIDGE);
        podman.awaitHealthy(BRIDGE, WAIT);

        String mid = Events.uniqueMid();
        assertThat(meta.post(Events.page(Events.message("7100000000000002", mid, 1718035202000L, "edited")))
                .statusCode()).isEqualTo(200);
        try (BrokerClient broker = connect()) {
            assertThat(broker.receive("messenger.messages_edited", 1).get(0).getStringProperty("metaMid"))
                    .isEqualTo(mid);
            broker.assertEmpty("messenger.messages");
        }
    }

    /** Events stored and not yet consumed are on the broker's volume, not in its container. */
    private static void storedEventsOutliveABrokerRestart(Webhook meta) throws Exception {
        List<String> mids = List.of(Events.uniqueMid(), Events.uniqueMid(), Events.uniqueMid());
        for (String mid : mids) {
            assertThat(meta.post(Events.page(Events.message("7100000000000003", mid, 1718035203000L, "kept")))
                    .statusCode()).isEqualTo(200);
        }
        podman.compose("restart", BROKER);
        try (BrokerClient broker = connect()) {
            List<Message> kept = broker.browse("messenger.messages_edited", mids.size(), WAIT);
            assertThat(kept).extracting(m -> m.getStringProperty("metaMid")).containsExactlyInAnyOrderElementsOf(mids);
        }
        // and the bridge stores again on the restarted broker, without a restart of its own
        podman.awaitHealthy(BRIDGE, WAIT);
        assertThat(meta.post(Events.page(Events.message("7100000000000003", Events.uniqueMid(), 1718035204000L,
                "after"))).statusCode()).isEqualTo(200);
    }

    /** docker stop: SIGTERM, then Camel stops its routes and the broker connection within the grace period. */
    private static void stopsCleanlyOnSigterm() {
        Instant start = Instant.now();
        podman.podman("stop", "-t", Integer.toString(GRACE_SECONDS), podman.container(BRIDGE));
        Duration took = Duration.between(start, Instant.now());
        // 143 is the JVM's own exit on SIGTERM (128 + 15) once its shutdown hooks ran; 137 would be a kill
        assertThat(podman.podman("inspect", "-f", "{{.State.ExitCode}}", podman.container(BRIDGE)).strip())
                .isEqualTo("143");
        assertThat(took).isLessThan(Duration.ofSeconds(GRACE_SECONDS));
        assertThat(podman.logs(BRIDGE)).containsPattern("Apache Camel [\\d.]+ \\(messenger-bridge\\) shutdown in");
        System.out.printf("container: the bridge stopped on SIGTERM in %d ms%n", took.toMillis());
    }

    @Test
    void theHaProfileLosesNothingWhenThePrimaryBrokerIsKilled() throws Exception {
        String primary = "artemis-primary";
        String backup = "artemis-backup";
        podman.compose("up", "-d", primary, backup, "bridge-ha-1", "bridge-ha-2", "balancer");
        try {
            // AMQ221024: the backup holds a full copy of the primary's journal
            podman.awaitLog(backup, "AMQ221024", WAIT);
            podman.awaitHealthy("bridge-ha-1", WAIT);
            podman.awaitHealthy("bridge-ha-2", WAIT);
            String backupUrl = "tcp://" + podman.address(backup) + ":61616";

            LoadDriver load = new LoadDriver(new Webhook(1337, APP_SECRET), "container-ha");
            Instant killed;
            try {
                load.start(4);
                load.awaitMoreAcknowledged(300, WAIT);
                killed = Instant.now();
                podman.podman("kill", "-s", "KILL", podman.container(primary));
                podman.awaitLog(backup, "AMQ221007", WAIT); // "Server is now active"
                load.awaitMoreAcknowledged(300, WAIT);
            } finally {
                load.stop();
            }
            List<LoadDriver.Sent> sent = load.sent();
            assertThat(sent).as("through the balancer, every reply is a 200 or a 503 inside Meta's 5 seconds")
                    .allSatisfy(s -> {
                        assertThat(s.status()).isIn(200, 503);
                        assertThat(s.took()).isLessThan(Duration.ofSeconds(5));
                    });
            // the longest stretch after the kill in which no request sent got a 200: the failover's outage
            List<Instant> storedAt = sent.stream().filter(s -> s.status() == 200 && s.at().isAfter(killed))
                    .map(LoadDriver.Sent::at).sorted().toList();
            assertThat(storedAt).as("200s after the primary was killed").isNotEmpty();
            Duration outage = Duration.ZERO;
            Instant previous = killed;
            for (Instant at : storedAt) {
                outage = Collections.max(List.of(outage, Duration.between(previous, at)));
                previous = at;
            }
            System.out.printf("container failover: no request stored for %d ms after the kill; %d answered 503,"
                    + " the slowest in %d ms%n", outage.toMillis(), sent.stream().filter(s -> s.status() == 503)
                    .count(), sent.stream().filter(s -> s.status() == 503).mapToLong(s -> s.took().toMillis()).max()
                    .orElse(0));
            ReliabilityIT.assertNothingLost("containers, primary broker killed", load.acknowledged(), backupUrl,
                    BROKER_USER, BROKER_PASSWORD);
        } finally {
            for (String service : List.of("bridge-ha-1", "bridge-ha-2", backup)) {
                Files.writeString(Podman.WORK.resolve("ha-" + service + ".log"), podman.logs(service));
            }
            podman.down(primary, backup, "bridge-ha-1", "bridge-ha-2", "balancer");
        }
    }

    /** A consumer on the broker container; it may be starting or restarting. */
    private static BrokerClient connect() throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            try {
                return new BrokerClient(BROKER_URL, BROKER_USER, BROKER_PASSWORD);
            } catch (JMSException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                TimeUnit.SECONDS.sleep(1);
            }
        }
    }

    private static void copy(Path file) throws Exception {
        Path target = COMPOSE_DIRECTORY.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
