package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.tools.FakeGraphApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Start-up: the bridge fails closed (no App Secret, no start, unless a loud opt-out says so for a
 * local trial), and optionally checks the Page's subscription.
 */
@Tag(Tiers.FULL)
class StartupIT {

    @Test
    void refusesToStartWithoutAnAppSecret() throws Exception {
        assertRefusesToStart("no-secret", Map.of("META_APP_SECRET", ""),
                "no App Secret configured: set META_APP_SECRET");
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

    /** With METRICS_TOKEN, the meters need it; the probes' health endpoints do not. */
    @Test
    void metricsAnswerOnlyWithTheirTokenWhenOneIsSet() throws Exception {
        String token = "metrics-token-0123456789";
        try (BridgeProcess bridge = BridgeProcess.startFresh("metrics-token", Map.of("METRICS_TOKEN", token,
                "BROKER_EMBEDDED_ACCEPTOR", ""))) {
            String metrics = "http://127.0.0.1:" + bridge.managementPort() + "/observe/metrics";
            HttpClient client = ManagementClient.HTTP;

            var without = client.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var wrong = client.send(HttpRequest.newBuilder(URI.create(metrics))
                    .header("Authorization", "Bearer " + token.replace('9', '8')).build(),
                    HttpResponse.BodyHandlers.ofString());
            var with = client.send(HttpRequest.newBuilder(URI.create(metrics))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.body()).doesNotContain("bridge_");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(with.statusCode()).isEqualTo(200);
            assertThat(with.body()).contains("bridge_webhook_in_flight_limit");
            assertThat(ReliabilityIT.readiness(bridge)).isEqualTo(200);
        }
    }

    /** The trial switch beside a real secret: one of them is a mistake, and the bridge will not guess which. */
    @Test
    void refusesTheInsecureOptOutBesideAnAppSecret() throws Exception {
        assertRefusesToStart("insecure-and-secret", Map.of("META_INSECURE_SKIP_SIGNATURE", "true"),
                "META_INSECURE_SKIP_SIGNATURE=true and META_APP_SECRET are both set");
    }

    /** Events on a broker anyone on the network may read: not without a login. */
    @Test
    void refusesAnEmbeddedBrokerOpenToTheNetworkWithoutALogin() throws Exception {
        assertRefusesToStart("open-broker", Map.of("BROKER_EMBEDDED_ACCEPTOR", "tcp://0.0.0.0:" + BridgeProcess.freePort()),
                "BROKER_EMBEDDED_ACCEPTOR listens on 0.0.0.0, beyond this machine");
    }

    /** A webhook port that another process holds: the start fails and says so, not a bridge that hears nothing. */
    @Test
    void refusesToStartWhenItsPortIsTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            String log = assertRefusesToStart("port-taken", Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort())),
                    "cannot listen on 0.0.0.0:" + taken.getLocalPort() + " (HTTP_PORT or MANAGEMENT_PORT)");
            assertThat(log).contains("Messenger Bridge failed to start");
        }
    }

    /** Settings files take every key, a sink's too: the sink's route exists once the bridge has started. */
    @Test
    void aSinkDeclaredInASettingsFileIsCreated() throws Exception {
        java.nio.file.Path settings = java.nio.file.Path.of("target/it/settings-file/config").toAbsolutePath();
        java.nio.file.Files.createDirectories(settings);
        java.nio.file.Files.writeString(settings.resolve("sinks.properties"),
                "sink.http.messaging_postbacks=https://sink.example.org/postbacks\n");
        try (BridgeProcess bridge = BridgeProcess.startFresh("settings-file", Map.of("BRIDGE_CONFIG_FILES",
                settings + "/*.properties"))) {
            // sink routes are added once Camel has started, just after the line the start waits for
            String created = "HTTP sink for messaging_postbacks events: https://sink.example.org/postbacks";
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
            while (!bridge.log().contains(created) && java.time.Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertThat(bridge.log()).contains(created);
        }
    }

    @Test
    void refusesACamelOptionInASinkUrl() throws Exception {
        assertRefusesToStart("sink-camel-option", Map.of("SINK_HTTP_MESSAGES",
                "https://crm.internal/messages?followRedirects=true"),
                "'followRedirects' in its URL is an option of Camel's HTTP client");
    }

    @Test
    void refusesAViewerTokenTooShortToGuardUserData() throws Exception {
        String log = assertRefusesToStart("short-viewer-token", Map.of("VIEWER_TOKEN", "short"),
                "VIEWER_TOKEN must be at least 16 characters");
        assertThat(log).doesNotContain("short\n");
    }

    /**
     * Routes that do not load: bin/check-routes exits 1 with one line naming file, line and fault,
     * and the bridge exits 1 at start with that same line, not a stack trace.
     */
    @Test
    void routesThatDoNotLoadStopTheStartWithTheLineCheckRoutesPrints() throws Exception {
        Path routes = BridgeProcess.copyOfRoutes("broken-at-start");
        Path table = routes.resolve("event-routing.camel.yaml");
        Files.writeString(table, Files.readString(table).replace("ref: bridgeMetrics", "ref: noSuchBean"));

        Process check = new ProcessBuilder("bin/check-routes", routes.toString()).redirectErrorStream(true).start();
        String printed = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).isEqualTo(1);
        String fault = printed.lines().filter(line -> line.startsWith("ERROR ")).findFirst().orElseThrow()
                .substring("ERROR ".length());
        assertThat(fault).contains("event-routing.camel.yaml:").contains("noSuchBean");

        String log = assertRefusesToStart("broken-routes", Map.of("ROUTES_DIR", routes.toString()),
                "Messenger Bridge failed to start: " + fault);
        assertThat(log).doesNotContain("\tat ");
    }

    /** A bridge killed with SIGKILL runs no clean-up: what it put in the temporary folder stays, restart after restart. */
    @Test
    void aKilledBridgeLeavesNothingInTheTemporaryFolder() throws Exception {
        Path temporary = Path.of("target/it/temporary-folder/tmp").toAbsolutePath();
        ArtemisDistribution.deleteRecursively(temporary);
        Files.createDirectories(temporary);
        try (BridgeProcess bridge = BridgeProcess.startFresh("temporary-folder", Map.of("BROKER_EMBEDDED_ACCEPTOR", "",
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + temporary))) {
            byte[] body = Events.page(Events.message("7800000000000002", "m_temporary_1", 1718080000000L, "hello"))
                    .getBytes(StandardCharsets.UTF_8);

            assertThat(new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET).post(body).statusCode()).isEqualTo(200);
            assertThat(bridge.log()).contains("Picked up JAVA_TOOL_OPTIONS: -Djava.io.tmpdir=" + temporary);
            bridge.kill();
        }

        try (var left = Files.list(temporary)) {
            assertThat(left).isEmpty();
        }
    }

    /** The bridge exits 1 at start, and its log says why; returns the log. */
    private static String assertRefusesToStart(String name, Map<String, String> settings, String reason)
            throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.putIfAbsent("BROKER_EMBEDDED_ACCEPTOR", "");

        assertThat(BridgeProcess.startExpectingExit(name, env)).isEqualTo(1);
        String log = Files.readString(Path.of("target/it", name, "bridge.log"));
        assertThat(log).contains(reason);
        return log;
    }

    /** With a Page id and token, the bridge asks the Graph API at start and names the fields Meta would not send. */
    @Test
    void warnsAtStartWhenThePageMissesRoutedFields() throws Exception {
        try (FakeGraphApi graph = new FakeGraphApi()) {
            graph.subscribePage("messages", "messaging_postbacks");
            try (BridgeProcess bridge = BridgeProcess.startFresh("subscription-check", Map.of(
                    "BROKER_EMBEDDED_ACCEPTOR", "", "GRAPH_API_BASE_URL", graph.baseUrl(),
                    "META_PAGE_ID", FakeGraphApi.PAGE_ID, "META_PAGE_ACCESS_TOKEN", FakeGraphApi.PAGE_TOKEN,
                    "META_APP_ID", FakeGraphApi.APP_ID))) {
                java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
                while (!bridge.log().contains("is not subscribed to")) {
                    assertThat(java.time.Instant.now()).as("the check's warning").isBefore(deadline);
                    Thread.sleep(50);
                }
                String warning = bridge.log().lines().filter(line -> line.contains("is not subscribed to"))
                        .findFirst().orElseThrow();
                assertThat(warning).contains("Page " + FakeGraphApi.PAGE_ID + " is not subscribed to ")
                        .contains("message_reads").contains("standby").doesNotContain(",messages,")
                        .doesNotContain("messaging_postbacks");
                assertThat(bridge.log()).doesNotContain(FakeGraphApi.PAGE_TOKEN);
                assertThat(graph.calls()).singleElement().satisfies(call -> assertThat(call.path())
                        .isEqualTo("/v23.0/" + FakeGraphApi.PAGE_ID + "/subscribed_apps"));
            }
        }
    }

    /** The subscribe command as users run it: the fields it would subscribe are the routing table's. */
    @Test
    void theSubscribeCommandReadsTheRoutingTable() throws Exception {
        Process process = new ProcessBuilder("bin/subscribe", "fields").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(process.waitFor()).isZero();
        assertThat(output).isEqualTo(String.join(",", com.messengerbridge.tools.RoutedFields.of(
                com.messengerbridge.tools.RoutedFields.DEFAULT_TABLE)));
        assertThat(output.split(",")).contains("messages", "messaging_postbacks", "standby");
    }
}
