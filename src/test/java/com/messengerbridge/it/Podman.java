package com.messengerbridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * podman and podman-compose, as the container test drives them: with the settings that
 * {@code src/test/container/prepare-podman} wrote, and with only the environment a user's shell
 * would pass. Every call's output goes to {@code target/container/podman.log}.
 */
final class Podman {

    /** What prepare-podman made ready: its podman settings file, and room for the test's copies. */
    static final Path WORK = Path.of(System.getProperty("container.work", "target/container")).toAbsolutePath();

    record Result(int exitCode, String output) {
    }

    private final Path directory;
    private final String project;
    private final Map<String, String> userVariables;

    /**
     * @param directory     where the compose file is, and where relative paths in it start
     * @param project       compose project name: containers are {@code <project>_<service>_1}
     * @param userVariables the variables a user exports before {@code compose up}, and nothing else
     */
    Podman(Path directory, String project, Map<String, String> userVariables) {
        this.directory = directory;
        this.project = project;
        this.userVariables = userVariables;
    }

    /** {@code podman <args>}; fails unless it exits 0. */
    String podman(String... args) {
        return check(call(command("podman", args)), "podman", args);
    }

    /** {@code podman <args>}, whatever its exit code. */
    Result tryPodman(String... args) {
        return call(command("podman", args));
    }

    /** {@code podman-compose -p <project> <args>}; fails unless it exits 0. */
    String compose(String... args) {
        List<String> command = new ArrayList<>(List.of("podman-compose", "-p", project));
        command.addAll(List.of(args));
        return check(call(command), "podman-compose", args);
    }

    /** The container of a compose service. */
    String container(String service) {
        return project + "_" + service + "_1";
    }

    /**
     * {@code compose down -v}, and the anonymous volumes of these services' images ({@code VOLUME}),
     * which compose leaves behind.
     */
    void down(String... services) {
        List<String> volumes = new ArrayList<>();
        for (String service : services) {
            Result mounts = tryPodman("inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}", container(service));
            if (mounts.exitCode() == 0) {
                volumes.addAll(List.of(mounts.output().strip().split("\\s+")));
            }
        }
        compose("down", "-v");
        volumes.stream().filter(name -> name.matches("[0-9a-f]{64}")).forEach(name -> tryPodman("volume", "rm", name));
    }

    /** Runs the service's health check until it passes (health checks are not scheduled without systemd). */
    void awaitHealthy(String service, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Result last;
        while ((last = tryPodman("healthcheck", "run", container(service))).exitCode() != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(service + " not healthy after " + timeout + ": " + last.output()
                        + "\n" + logs(service));
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    /** Waits until the service's log holds this text. */
    void awaitLog(String service, String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!logs(service).contains(text)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("'" + text + "' not in the log of " + service + " after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    String logs(String service) {
        return tryPodman("logs", container(service)).output();
    }

    /** The service's address on the compose network, which the host reaches directly. */
    String address(String service) {
        return podman("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                container(service)).strip();
    }

    private List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        return command;
    }

    private Result call(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
            Map<String, String> environment = builder.environment();
            environment.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR", "XDG_RUNTIME_DIR"));
            environment.put("CONTAINERS_CONF", WORK.resolve("containers.conf").toString());
            environment.putAll(userVariables);
            Process process = builder.start();
            // read as it comes: a full pipe would stall a long build
            byte[] output = process.getInputStream().readAllBytes();
            process.waitFor();
            String text = new String(output, StandardCharsets.UTF_8);
            Files.writeString(WORK.resolve("podman.log"), "$ " + String.join(" ", command) + "\n" + text + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + " (mvn verify runs src/test/container/prepare-podman"
                    + " first)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String check(Result result, String program, String... args) {
        if (result.exitCode() != 0) {
            throw new AssertionError(program + " " + String.join(" ", args) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }
}
