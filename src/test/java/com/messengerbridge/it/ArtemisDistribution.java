package com.messengerbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jakarta.jms.Connection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The standalone Artemis distribution that the build unpacks into {@code target/}: a broker
 * instance created with login required and persistence on, run as its own process with the JVM
 * setting that docker-compose.yml gives its brokers, and stopped (or killed) by the tests.
 */
final class ArtemisDistribution implements AutoCloseable {

    static final String USER = "bridge";
    static final String PASSWORD = "bridge-test-password";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** What docker-compose.yml gives its broker's JVM, through the instance script's {@code JAVA_ARGS_APPEND}. */
    static final String COMPOSE_JAVA_ARGS_APPEND = composeJavaArgsAppend();

    private final Path instance;
    private final int port;
    private Process process;

    private ArtemisDistribution(Path instance, int portOffset) {
        this.instance = instance;
        this.port = 61616 + portOffset;
    }

    /** Creates a fresh instance under {@code target/it/<name>} with every port shifted by {@code portOffset}. */
    static ArtemisDistribution create(String name, int portOffset) throws Exception {
        return create(name, portOffset, List.of("--no-autotune"));
    }

    /**
     * Created as a user creates a broker: {@code artemis create} first measures the disk's syncs and
     * sets the journal's buffer timeout from them (about 4 s). The tests skip that; the benchmark does not.
     */
    static ArtemisDistribution createTuned(String name, int portOffset) throws Exception {
        return create(name, portOffset, List.of());
    }

    /**
     * One half of a replicated primary/backup pair, the distribution's own HA: the primary holds the
     * journal and copies every write to the backup, which takes over when the primary dies.
     */
    static ArtemisDistribution createReplicated(String name, int portOffset, int otherPortOffset, boolean backup)
            throws Exception {
        List<String> ha = new java.util.ArrayList<>(List.of("--replicated", "--failover-on-shutdown",
                "--cluster-user", "cluster", "--cluster-password", "cluster-test-password", "--host", "127.0.0.1",
                "--staticCluster", "tcp://127.0.0.1:" + (61616 + otherPortOffset)));
        if (backup) {
            ha.add("--backup");
        }
        ha.add("--no-autotune");
        return create(name, portOffset, ha);
    }

    private static ArtemisDistribution create(String name, int portOffset, List<String> extra) throws Exception {
        Path home = Path.of(System.getProperty("artemis.home", "target/apache-artemis-2.44.0"));
        if (!Files.isRegularFile(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + home + ": run the tests with 'mvn verify'");
        }
        Path instance = Path.of("target/it", name, "artemis").toAbsolutePath();
        // a fresh journal: a duplicate-id cache left from an earlier run would swallow this run's events
        deleteRecursively(instance);
        List<String> command = new java.util.ArrayList<>(List.of("bash", home.resolve("bin/artemis").toString(),
                "create", "--user", USER, "--password", PASSWORD, "--require-login", "--silent", "--force", "--no-web",
                "--port-offset", Integer.toString(portOffset)));
        command.addAll(extra);
        command.add(instance.toString());
        run(command, instance.getParent().resolve("artemis-create.log"));
        return new ArtemisDistribution(instance, portOffset);
    }

    Path instance() {
        return instance;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts a backup: it accepts no client until it takes over, so this returns once it runs. */
    ArtemisDistribution startBackup() throws Exception {
        launch();
        return this;
    }

    /** Waits until the broker's log says this, e.g. that a backup is in sync with its primary. */
    void awaitLog(String text, Duration timeout) throws Exception {
        Path log = instance.resolve("log/console.log");
        Instant deadline = Instant.now().plus(timeout);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Artemis never logged '" + text + "'; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** SIGKILL of the broker and its JVM: a crash, not a shutdown. */
    void kill() throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
    }

    int port() {
        return port;
    }

    /** Read from the compose file, so that the tests' and the benchmark's brokers follow it. */
    @SuppressWarnings("unchecked")
    private static String composeJavaArgsAppend() {
        try {
            Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(Path.of("docker-compose.yml")));
            Map<String, Object> artemis = (Map<String, Object>) ((Map<String, Object>) compose.get("services"))
                    .get("artemis");
            return ((Map<String, Object>) artemis.get("environment")).get("JAVA_ARGS_APPEND").toString();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private void launch() throws IOException {
        Path log = instance.resolve("log/console.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder broker = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run");
        broker.environment().put("JAVA_ARGS_APPEND", COMPOSE_JAVA_ARGS_APPEND);
        process = broker
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Starts the broker and returns once it accepts a JMS login. */
    ArtemisDistribution start() throws Exception {
        Path log = instance.resolve("log/console.log");
        launch();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url(), USER, PASSWORD);
        while (true) {
            try (Connection connection = factory.createConnection()) {
                return this;
            } catch (Exception notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Artemis did not start; see " + log, notYet);
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    /** A clean shutdown, as an operator's stop would do. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The running broker's start script; its java is a child of it. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGSTOP: the broker holds its connections but answers nothing, like a stalled disk or host. */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String signal) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.toHandle().descendants().forEach(child -> command.add(Long.toString(child.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
        }
    }
}
