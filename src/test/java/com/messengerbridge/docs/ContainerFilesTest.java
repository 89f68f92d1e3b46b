package com.messengerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The container files, read: the compose file's services, ports, environment and mounts must agree
 * with the Dockerfile, the bridge's settings and the documentation (README and docs/).
 * {@code ContainerIT} builds and runs them; these checks say at once, without a container, which line broke the agreement.
 */
class ContainerFilesTest {

    private static Map<String, Object> services;
    private static String dockerfile;
    private static String documentation;
    private static Map<String, String> settings;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
        dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile"));
        documentation = Documentation.text();
        settings = Settings.declared();
    }

    /** What the brokers' JVM gets on top of the image's settings: short collector pauses (docs/benchmark.md). */
    static final String BROKER_JAVA_ARGS_APPEND = "-XX:MaxGCPauseMillis=10";

    @Test
    void theBrokerIsArtemis244() {
        assertThat(service("artemis").get("image").toString()).matches("apache/activemq-artemis:2\\.44\\.\\d+");
        assertThat(strings(service("artemis"), "ports")).contains("61616:61616");
        assertThat(documentation).contains(service("artemis").get("image").toString());
    }

    @Test
    void everyBrokerRunsWithShortCollectorPauses() {
        for (String broker : List.of("artemis", "artemis-primary", "artemis-backup")) {
            assertThat(map(service(broker), "environment")).as(broker)
                    .containsEntry("JAVA_ARGS_APPEND", BROKER_JAVA_ARGS_APPEND);
        }
        assertThat(documentation).contains("MaxGCPauseMillis=10");
    }

    @Test
    void theBridgeIsBuiltFromTheProjectsDockerfileOnAJre17AsNonRoot() {
        Map<String, Object> build = map(service("bridge"), "build");
        assertThat(Path.of(build.get("context").toString(), build.get("dockerfile").toString())).isRegularFile();
        assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$")
                .containsPattern("(?m)^USER (?!root|0)\\w+")
                .contains("ENTRYPOINT [\"/app/bin/messenger-bridge\"]")
                .contains("BRIDGE_RECORD_CLASS_DATA=true \\\n    /app/bin/messenger-bridge");
    }

    @Test
    void portsAreTheBridgesDefaultsAndExposed() {
        String http = settings.get("HTTP_PORT");
        String management = settings.get("MANAGEMENT_PORT");
        // the management port: on every interface of the container, published to the host's loopback only
        assertThat(strings(service("bridge"), "ports")).containsExactlyInAnyOrder(http + ":" + http,
                "127.0.0.1:" + management + ":" + management);
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + http + " " + management + "$")
                .contains("MANAGEMENT_HOST=0.0.0.0");
        assertThat(settings.get("MANAGEMENT_HOST")).isEqualTo("127.0.0.1");
    }

    @Test
    void theHealthCheckAsksReadinessOnTheManagementPort() {
        String ready = "http://localhost:" + settings.get("MANAGEMENT_PORT") + "/observe/health/ready";
        assertThat(strings(map(service("bridge"), "healthcheck"), "test")).contains(ready);
        assertThat(dockerfile).contains("HEALTHCHECK").contains("/observe/health/ready");
        assertThat(documentation).contains("/observe/health/ready");
    }

    @Test
    void everyEnvironmentNameIsASettingTheReadmeDocuments() throws Exception {
        Map<String, Object> environment = map(service("bridge"), "environment");
        assertThat(environment).containsKeys("META_APP_SECRET", "META_VERIFY_TOKEN", "BROKER_URL", "BROKER_USER",
                "BROKER_PASSWORD");
        for (String name : environment.keySet()) {
            assertThat(Settings.known(name)).as("%s is read by the bridge", name).isTrue();
            // a sink's variable is documented as SINK_HTTP_<TYPE>, and this one by its example
            assertThat(documentation).as("%s in the documentation", name).contains(name.startsWith("SINK_HTTP_")
                    ? "`SINK_HTTP_<TYPE>`" : "`" + name + "`").contains(name);
        }
        assertThat(environment.get("BROKER_URL").toString()).isEqualTo("tcp://artemis:61616");
    }

    @Test
    void theRoutesMountIsWhereTheBridgeReadsThem() throws Exception {
        List<String> volumes = strings(service("bridge"), "volumes");
        assertThat(volumes).contains("./routes:/app/routes:ro");
        for (String volume : volumes) {
            assertThat(Path.of(volume.split(":")[0])).as("mounted from the project").isDirectory();
        }
        assertThat(dockerfile).contains("WORKDIR /app").contains("COPY routes ./routes");
        assertThat(Files.readString(Path.of("src/main/resources/application.properties")))
                .contains("camel.main.routes-include-pattern=file:{{routes.dir}}/*.camel.yaml");
        assertThat(settings.get("ROUTES_DIR")).isEqualTo("routes");
        assertThat(settings.get("BROKER_DATA_DIR")).isEqualTo("data/artemis");
        assertThat(dockerfile).contains("VOLUME /app/data");
    }

    @Test
    void theSinkStandInIsOptionalAndReachableByTheBridge() {
        assertThat(strings(service("sink"), "profiles")).containsExactly("sink");
        assertThat(documentation).contains("SINK_HTTP_MESSAGES=http://sink:8080/messages docker compose --profile sink up");
        assertThat(map(service("sink"), "environment")).containsEntry("HTTP_PORT", 8080);
    }

    @Test
    void theHaProfileIsAReplicatedPairUnderTwoBridgesBehindABalancer() throws Exception {
        String primary = map(service("artemis-primary"), "environment").get("EXTRA_ARGS").toString();
        String backup = map(service("artemis-backup"), "environment").get("EXTRA_ARGS").toString();
        assertThat(service("artemis-primary").get("image")).isEqualTo(service("artemis").get("image"));
        assertThat(service("artemis-backup").get("image")).isEqualTo(service("artemis").get("image"));
        assertThat(primary).contains("--replicated").contains("--staticCluster tcp://artemis-backup:61616")
                .doesNotContain("--backup");
        assertThat(backup).contains("--replicated").contains("--backup")
                .contains("--staticCluster tcp://artemis-primary:61616");
        for (String bridge : List.of("bridge-ha-1", "bridge-ha-2")) {
            assertThat(strings(service(bridge), "profiles")).containsExactly("ha");
            Map<String, Object> environment = map(service(bridge), "environment");
            assertThat(environment.get("BROKER_URL").toString()).isEqualTo(
                    "(tcp://artemis-primary:61616,tcp://artemis-backup:61616)?ha=true&reconnectAttempts=-1");
            for (String name : environment.keySet()) {
                assertThat(Settings.known(name)).as(name).isTrue();
            }
            assertThat(strings(map(service(bridge), "healthcheck"), "test"))
                    .contains("http://localhost:" + settings.get("MANAGEMENT_PORT") + "/observe/health/ready");
        }
        assertThat(strings(service("balancer"), "ports")).containsExactly("1337:1337");
        String mount = strings(service("balancer"), "volumes").get(0).split(":")[0];
        assertThat(Path.of(mount)).isRegularFile();
        assertThat(Files.readString(Path.of(mount))).contains("server bridge-ha-1:" + settings.get("HTTP_PORT"))
                .contains("server bridge-ha-2:" + settings.get("HTTP_PORT")).contains("location /webhook");
        assertThat(documentation).contains("docker compose --profile ha up");
    }

    /**
     * Compose interpolates every service before it looks at profiles: a variable it requires
     * anywhere is required for the default stack too, so only the README's three may be. An empty
     * default would hand the bridge an empty setting (and podman-compose 1.0 leaves {@code ${X:-}}
     * unreplaced): optional settings are passed through by name.
     */
    @Test
    void theDefaultStackNeedsOnlyTheReadmesVariables() throws Exception {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        java.util.regex.Matcher required = java.util.regex.Pattern.compile("\\$\\{(\\w+):\\?").matcher(compose);
        java.util.Set<String> requiredNames = new java.util.TreeSet<>();
        while (required.find()) {
            requiredNames.add(required.group(1));
        }
        assertThat(requiredNames).containsExactlyInAnyOrder("META_APP_SECRET", "META_VERIFY_TOKEN", "BROKER_PASSWORD");
        assertThat(documentation).contains("export META_APP_SECRET=... META_VERIFY_TOKEN=... BROKER_PASSWORD=...");
        assertThat(compose).doesNotContain(":-}");
        Map<String, Object> environment = map(service("bridge"), "environment");
        assertThat(environment).containsEntry("VIEWER_TOKEN", null).containsEntry("SINK_HTTP_MESSAGES", null);
    }

    @Test
    void everyBridgeServiceRunsTheImageTheReadmeBuilds() {
        for (String bridge : List.of("bridge", "bridge-ha-1", "bridge-ha-2")) {
            assertThat(service(bridge).get("image")).as(bridge).isEqualTo("messenger-bridge");
        }
        assertThat(documentation).contains("docker build -f src/main/docker/Dockerfile -t messenger-bridge .")
                .contains("docker compose up -d artemis bridge");
        // the image's build stage has no routes/: the class-data archive is recorded in the runtime stage
        assertThat(dockerfile).contains("-DskipTests -Dexec.skip=true package");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return ((List<Object>) parent.get(key)).stream().map(String::valueOf).toList();
    }
}
