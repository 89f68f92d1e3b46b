package com.messengerbridge.routes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies edits of the routes directory while the bridge serves ({@code ROUTES_RELOAD=true}). It
 * looks at the files' contents every {@code pollMillis}; once a change has held for one more look
 * (an editor may write a file in steps), the whole directory is checked as {@code check-routes}
 * would. A directory that does not load is refused: one line per fault, and the routes that serve
 * stay as they are. One that loads replaces the routes of the changed files only, so a request
 * never meets a route of an unchanged file being swapped.
 */
public final class RoutesReloader extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesReloader.class);
    static final String APPLIED = "applied";
    static final String REFUSED = "refused";
    private static final String FILES = "*.camel.yaml";

    private final CamelContext context;
    private final Path dir;
    private final RoutesCheck check;
    private final long pollMillis;
    private final RoutesVersion version;
    private final Counter applied;
    private final Counter refused;
    private ScheduledExecutorService watcher;
    private Map<String, String> serving;
    private Map<String, String> seen;
    private Map<String, String> refusedFiles;

    public RoutesReloader(CamelContext context, Path dir, RoutesCheck check, long pollMillis, RoutesVersion version,
            MeterRegistry registry) {
        this.context = context;
        this.dir = dir;
        this.check = check;
        this.pollMillis = pollMillis;
        this.version = version;
        this.applied = reloads(registry, APPLIED);
        this.refused = reloads(registry, REFUSED);
    }

    static Counter reloads(MeterRegistry registry, String outcome) {
        return Counter.builder("bridge.routes.reloads").description("Edits of the routes directory, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    protected void doStart() {
        serving = contents(dir);
        seen = serving;
        watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "routes-reload");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::look, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        LOG.info("Reloading routes on change: {}/{}", dir, FILES);
    }

    @Override
    protected void doStop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** One look at the directory: nothing, a change to let settle, or a settled change to check and apply. */
    void look() {
        try {
            Map<String, String> now = contents(dir);
            if (now.equals(serving) || now.equals(refusedFiles)) {
                seen = now;
                return;
            }
            if (!now.equals(seen)) {
                seen = now; // changed since the last look: wait until it holds
                return;
            }
            reload(now);
        } catch (RuntimeException failed) {
            // the watcher thread must outlive any one look
            LOG.error("Routes reload failed: {}", failed.getMessage(), failed);
        }
    }

    private void reload(Map<String, String> now) {
        List<RouteProblem> problems = check.check(dir);
        if (problems.stream().anyMatch(RouteProblem::error)) {
            refusedFiles = now;
            problems.stream().filter(RouteProblem::error).forEach(problem ->
                    LOG.error("Routes not reloaded, the previous routes still serve: {}", problem.describe()));
            // counted last: whoever sees the count finds the line in the log and the state it tells of
            refused.increment();
            return;
        }
        problems.forEach(problem -> LOG.warn("Routes reloaded with a warning: {}", problem.describe()));
        List<String> changed = new ArrayList<>();
        try {
            for (String file : serving.keySet()) {
                if (!now.containsKey(file)) {
                    removeRoutesOf(file);
                    changed.add(file + " (removed)");
                }
            }
            List<Resource> resources = new ArrayList<>();
            for (Map.Entry<String, String> file : now.entrySet()) {
                if (!Objects.equals(serving.get(file.getKey()), file.getValue())) {
                    resources.add(ResourceHelper.resolveMandatoryResource(context, "file:" + dir.resolve(file.getKey())));
                    changed.add(file.getKey());
                }
            }
            Set<String> routes = PluginHelper.getRoutesLoader(context).updateRoutes(resources);
            serving = now;
            refusedFiles = null;
            String serves = versionOf(now);
            version.set(serves);
            LOG.info("Routes reloaded from {}: routes {} (version {})", changed, routes, serves);
            applied.increment();
        } catch (Exception failed) {
            // the check passed, so this is Camel failing to swap a route: say which, and keep looking
            serving = now;
            LOG.error("Routes reload of {} failed part way: {}", changed, RouteProblem.of(failed, context).describe());
            refused.increment();
        }
    }

    private void removeRoutesOf(String file) throws Exception {
        for (Route route : List.copyOf(context.getRoutes())) {
            Resource resource = route.getSourceResource();
            if (resource != null && resource.getLocation().endsWith("/" + file)) {
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
            }
        }
    }

    /** Each routes file of the directory, by name, with the hash of its contents. */
    static Map<String, String> contents(Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (var stream = Files.newDirectoryStream(dir, FILES)) {
            for (Path file : stream) {
                files.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read the routes directory " + dir, unreadable);
        }
        return files;
    }

    /** The routes' version: a short hash of every file's name and contents, the same on every bridge that has them. */
    public static String versionOf(Path dir) {
        return versionOf(contents(dir));
    }

    private static String versionOf(Map<String, String> files) {
        StringBuilder all = new StringBuilder();
        files.forEach((name, hash) -> all.append(name).append('=').append(hash).append('\n'));
        return sha256(all.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** {@code bridge_routes_info{version="..."} 1}: the version of the routes that serve. */
    public static final class RoutesVersion {
        private final MeterRegistry registry;
        private Gauge gauge;

        public RoutesVersion(MeterRegistry registry, String initial) {
            this.registry = registry;
            set(initial);
        }

        synchronized void set(String version) {
            if (gauge != null) {
                registry.remove(gauge);
            }
            gauge = Gauge.builder("bridge.routes.info", () -> 1).description("The routes that serve, by version")
                    .tag("version", version).register(registry);
        }
    }
}
