package com.messengerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests, read as ContainerFilesTest reads the compose file: every variable is a
 * setting the bridge reads; ports, probes, mounts, selectors and the broker's address agree with
 * the bridge, the image and each other; memory matches the benchmark's budget.
 */
class KubernetesManifestsTest {

    private static final Path MANIFESTS = Path.of("src/main/kubernetes/messenger-bridge.yaml");
    private static final List<Map<String, Object>> DOCUMENTS = new ArrayList<>();
    private static Map<String, String> settings;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(MANIFESTS))) {
            DOCUMENTS.add((Map<String, Object>) document);
        }
        settings = Settings.declared();
    }

    @Test
    void eachObjectIsAKindTheClusterKnowsWithAName() {
        assertThat(DOCUMENTS).extracting(d -> d.get("apiVersion") + " " + d.get("kind")).containsExactlyInAnyOrder(
                "apps/v1 Deployment", "v1 Service", "policy/v1 PodDisruptionBudget", "apps/v1 StatefulSet", "v1 Service");
        assertThat(DOCUMENTS).allSatisfy(d -> assertThat(map(d, "metadata").get("name").toString())
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    }

    @Test
    void everyVariableOfTheBridgeIsASettingItReads() {
        for (Map<String, Object> variable : list(bridge(), "env")) {
            assertThat(settings).as("a setting the bridge reads").containsKey(variable.get("name").toString());
        }
        assertThat(list(bridge(), "env")).extracting(v -> v.get("name"))
                .contains("META_APP_SECRET", "META_VERIFY_TOKEN", "BROKER_URL", "BROKER_PASSWORD");
    }

    @Test
    void secretsComeFromTheSecretNeverFromTheManifest() {
        for (Map<String, Object> variable : list(bridge(), "env")) {
            String name = variable.get("name").toString();
            if (name.contains("SECRET") || name.contains("PASSWORD") || name.contains("TOKEN")) {
                assertThat(variable).as(name).doesNotContainKey("value");
                assertThat(map(map(variable, "valueFrom"), "secretKeyRef").get("key")).isEqualTo(name);
            }
        }
    }

    @Test
    void portsAndProbesAreTheBridgesOwn() {
        Map<String, Integer> ports = new java.util.HashMap<>();
        list(bridge(), "ports").forEach(port -> ports.put(port.get("name").toString(), (Integer) port.get("containerPort")));
        assertThat(ports).containsEntry("webhook", Integer.parseInt(settings.get("HTTP_PORT")))
                .containsEntry("management", Integer.parseInt(settings.get("MANAGEMENT_PORT")));
        assertThat(probe("livenessProbe")).containsEntry("path", "/observe/health/live").containsEntry("port", "management");
        assertThat(probe("startupProbe")).containsEntry("path", "/observe/health/live").containsEntry("port", "management");
        assertThat(probe("readinessProbe")).containsEntry("path", "/observe/health/ready").containsEntry("port", "management");

        Map<String, Object> service = named("Service", "messenger-bridge");
        assertThat(list(map(service, "spec"), "ports")).singleElement()
                .satisfies(port -> assertThat(port.get("targetPort")).isEqualTo("webhook"));
    }

    @Test
    void theRoutesComeFromAConfigMapMountedWhereTheImageReadsThem() throws Exception {
        assertThat(list(bridge(), "volumeMounts")).singleElement().satisfies(mount -> {
            assertThat(mount.get("mountPath")).isEqualTo("/app/" + settings.get("ROUTES_DIR"));
            assertThat(mount.get("readOnly")).isEqualTo(true);
        });
        Map<String, Object> volume = list(podSpec(named("Deployment", "messenger-bridge")), "volumes").get(0);
        String configMap = map(volume, "configMap").get("name").toString();
        assertThat(Files.readString(MANIFESTS)).contains("kubectl create configmap " + configMap + " --from-file=routes/");
        assertThat(Files.readString(Path.of("src/main/docker/Dockerfile"))).contains("WORKDIR /app").contains("COPY routes ./routes");
    }

    @Test
    void selectorsFindTheirPodsAndTheBrokerAddressIsItsService() {
        Map<String, Object> deployment = named("Deployment", "messenger-bridge");
        Object podLabels = map(map(map(deployment, "spec"), "template"), "metadata").get("labels");
        assertThat(map(map(deployment, "spec"), "selector").get("matchLabels")).isEqualTo(podLabels);
        assertThat(map(named("Service", "messenger-bridge"), "spec").get("selector")).isEqualTo(podLabels);
        assertThat(map(map(named("PodDisruptionBudget", "messenger-bridge"), "spec"), "selector").get("matchLabels"))
                .isEqualTo(podLabels);

        Map<String, Object> artemis = named("StatefulSet", "artemis");
        Object brokerLabels = map(map(map(artemis, "spec"), "template"), "metadata").get("labels");
        assertThat(map(named("Service", "artemis"), "spec").get("selector")).isEqualTo(brokerLabels);
        String brokerUrl = list(bridge(), "env").stream().filter(v -> v.get("name").equals("BROKER_URL")).findFirst()
                .orElseThrow().get("value").toString();
        Map<String, Object> brokerPort = list(map(named("Service", "artemis"), "spec"), "ports").get(0);
        assertThat(brokerUrl).isEqualTo("tcp://artemis:" + brokerPort.get("port"));
        assertThat(list(podSpec(artemis), "containers").get(0).get("image").toString())
                .matches("apache/activemq-artemis:2\\.44\\.\\d+");
        // the broker's collector set as the compose file sets it
        assertThat(list(list(podSpec(artemis), "containers").get(0), "env")).anySatisfy(variable -> {
            assertThat(variable.get("name")).isEqualTo("JAVA_ARGS_APPEND");
            assertThat(variable.get("value")).isEqualTo(ContainerFilesTest.BROKER_JAVA_ARGS_APPEND);
        });
    }

    @Test
    void memoryFitsTheBenchmarksBudgetAndTheBridgeRunsAsTheImagesUser() throws Exception {
        Map<String, Object> resources = map(bridge(), "resources");
        assertThat(map(resources, "requests").get("memory")).isEqualTo("256Mi");
        assertThat(map(resources, "limits").get("memory")).isEqualTo("320Mi");
        assertThat(list(bridge(), "env")).noneMatch(v -> v.get("name").equals("JAVA_OPTS"));
        Map<String, Object> security = map(podSpec(named("Deployment", "messenger-bridge")), "securityContext");
        assertThat(security).containsEntry("runAsNonRoot", true);
        assertThat(Files.readString(Path.of("src/main/docker/Dockerfile"))).contains("--uid " + security.get("runAsUser"));
        assertThat(Documentation.read(Path.of("docs/benchmark.md"))).contains("256 MB");
    }

    private static Map<String, Object> bridge() {
        return list(podSpec(named("Deployment", "messenger-bridge")), "containers").get(0);
    }

    private static Map<String, Object> probe(String kind) {
        return map(map(bridge(), kind), "httpGet");
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload, "spec"), "template"), "spec");
    }

    private static Map<String, Object> named(String kind, String name) {
        return DOCUMENTS.stream().filter(d -> d.get("kind").equals(kind) && map(d, "metadata").get("name").equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).as("has " + key).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        assertThat(parent).as("has " + key).containsKey(key);
        return (List<Map<String, Object>>) parent.get(key);
    }
}
