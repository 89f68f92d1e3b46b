package com.messengerbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bridge as its users run it: {@code bin/messenger-bridge} in the project folder (so it reads
 * {@code routes/}), configured through the environment, its log in a file.
 */
final class BridgeProcess implements AutoCloseable {

    static final String APP_SECRET = "it-app-secret";
    static final String VERIFY_TOKEN = "it-verify-token";
    /** The app id of "our" bot in the tests: its echoes are kept off the queues by the echo guard. */
    static final String OWN_APP_ID = "9990000000000042";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path log;
    /** Where this process's lines start: the file keeps the lines of earlier runs and restarts. */
    private final long logOffset;
    private final int httpPort;
    private final int managementPort;
    private final Process process;

    private BridgeProcess(Path log, long logOffset, int httpPort, int managementPort, Process process) {
        this.log = log;
        this.logOffset = logOffset;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.process = process;
    }

    /** Starts a bridge on a fresh data folder under {@code target/it/<name>}; {@code env} adds or overrides settings. */
    static BridgeProcess startFresh(String name, Map<String, String> env) throws Exception {
        ArtemisDistribution.deleteRecursively(Path.of("target/it", name, "data").toAbsolutePath());
        return start(name, env);
    }

    /** Starts a bridge whose files live under {@code target/it/<name>}, keeping what an earlier one left there. */
    static BridgeProcess start(String name, Map<String, String> env) throws Exception {
        Path jar = Path.of("target/messenger-bridge.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": integration tests run after 'package' (mvn verify)");
        }
        Path home = Path.of("target/it", name).toAbsolutePath();
        Files.createDirectories(home);
        Path log = home.resolve("bridge.log");
        // a restarted bridge keeps its ports when the caller passes them
        int httpPort = env.containsKey("HTTP_PORT") ? Integer.parseInt(env.get("HTTP_PORT")) : freePort();
        int managementPort = env.containsKey("MANAGEMENT_PORT") ? Integer.parseInt(env.get("MANAGEMENT_PORT")) : freePort();
        // the run command's and the container's start: its memory settings, the build's class-data archive
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin/messenger-bridge").toAbsolutePath().toString())
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("BROKER_") || key.startsWith("META_")
                || key.equals("JAVA_OPTS"));
        environment.put("META_APP_SECRET", APP_SECRET);
        environment.put("META_VERIFY_TOKEN", VERIFY_TOKEN);
        environment.put("META_OWN_APP_IDS", OWN_APP_ID);
        environment.put("HTTP_PORT", Integer.toString(httpPort));
        environment.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        environment.put("BROKER_DATA_DIR", home.resolve("data").toString());
        environment.putAll(env);
        // the benchmark's BRIDGE_JAVA_OPTS, for a profile; otherwise the script's own settings
        String javaOptions = System.getProperty("bridge.java.options", "");
        if (!javaOptions.isBlank()) {
            environment.put("JAVA_OPTS", javaOptions);
        }
        // the log is kept across restarts: only what this process writes counts as its start
        long logOffset = Files.exists(log) ? Files.size(log) : 0;
        BridgeProcess bridge = new BridgeProcess(log, logOffset, httpPort, managementPort, builder.start());

        bridge.awaitStarted();
        return bridge;
    }

    /** Starts a bridge that is expected not to start: waits for the process to end, returns its exit code. */
    static int startExpectingExit(String name, Map<String, String> env) throws Exception {
        try {
            BridgeProcess started = start(name, env);
            started.close();
            throw new AssertionError("the bridge started; its log:\n" + started.log());
        } catch (IllegalStateException didNotStart) {
            return lastExitCode;
        }
    }

    private static volatile int lastExitCode;

    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    /** The bridge's routes, copied where a test may edit them. */
    static Path copyOfRoutes(String name) throws IOException {
        Path routes = Path.of("target/it", name + "-routes").toAbsolutePath();
        ArtemisDistribution.deleteRecursively(routes);
        Files.createDirectories(routes);
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return routes;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int httpPort() {
        return httpPort;
    }

    int managementPort() {
        return managementPort;
    }

    /** What this process logged, not the runs before it. */
    String log() {
        return logSince(logOffset);
    }

    private String logSince(long offset) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            return new String(bytes, (int) offset, bytes.length - (int) offset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStarted() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!logSince(logOffset).contains("(messenger-bridge) started in")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly().waitFor();
                lastExitCode = process.exitValue();
                throw new IllegalStateException("the bridge did not start; its log:\n" + log());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush; what survives is what was on disk. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
