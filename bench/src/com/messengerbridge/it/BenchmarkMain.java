package com.messengerbridge.it;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The benchmark (bench/README.md): the bridge on the standalone Artemis distribution, journal sync
 * on, load from this machine, every acknowledged event checked on the broker afterwards, one table.
 * Run by {@code bench/run}; not a test: nothing fails on a figure.
 */
public final class BenchmarkMain {

    private static final int PORT_OFFSET = 1400;
    private static final String QUEUE = "messenger.messages";
    private static final Path WORK = Path.of("target/bench").toAbsolutePath();

    private final int seconds = Integer.getInteger("bench.seconds", 60);
    private final int batchSeconds = Integer.getInteger("bench.batch.seconds", 30);
    /** B's events a request. */
    private static final int EVENTS_PER_BATCH = 100;
    private final int brokerSeconds = Integer.getInteger("bench.broker.seconds", 20);
    private final int warmUpSeconds = Integer.getInteger("bench.warmup.seconds", 20);
    private final int cWarmUpSeconds = Integer.getInteger("bench.c.warmup.seconds", 15);
    /** Which scenarios run, e.g. "C" to look at latency alone; M and S always come with the bridge. */
    private final String scenarios = System.getProperty("bench.scenarios", "ABCDEFHRK").toUpperCase();
    /** F's bodies for each second of A's load: above the bare receiver's best rate here (about 12,000 a second). */
    private static final long F_BODIES_A_SECOND = 15_000;
    private final List<String[]> rows = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    /** The standalone broker of A to E, for its CPU use. */
    private ProcessHandle brokerProcess;

    public static void main(String... args) throws Exception {
        new BenchmarkMain().run();
        System.exit(0);
    }

    private void run() throws Exception {
        Files.createDirectories(WORK);
        try (ArtemisDistribution artemis = ArtemisDistribution.createTuned("bench", PORT_OFFSET).start();
                BrokerClient broker = new BrokerClient(artemis.url(), ArtemisDistribution.USER,
                        ArtemisDistribution.PASSWORD)) {
            brokerProcess = artemis.handle();
            // the bridge first, on an idle broker, as at a deployment: started after D, it met a broker
            // still busy with D's messages (docs/benchmark.md, Start)
            long spawned = System.nanoTime();
            BridgeProcess bridge = BridgeProcess.startFresh("bench", BridgeProcess.env("BROKER_URL", artemis.url(),
                    "BROKER_USER", ArtemisDistribution.USER, "BROKER_PASSWORD", ArtemisDistribution.PASSWORD,
                    "WEBHOOK_LOG_LEVEL", "WARN"));
            long readyMillis = awaitReady(bridge, spawned);
            double a = 0;
            double c = 0;
            try {
                BrokerRun brokerBlocking = BrokerRun.NONE;
                BrokerRun brokerTransacted = BrokerRun.NONE;
                if (runs('D')) {
                    System.out.println("D: the broker alone, artemis perf producer, persistent 330-byte messages");
                    brokerBlocking = artemisPerf(artemis, "bench.d.blocking", brokerSeconds);
                    brokerTransacted = artemisPerf(artemis, "bench.d.transacted", brokerSeconds,
                            "--commit-interval", "100");
                    broker.purge("bench.d.blocking");
                    broker.purge("bench.d.transacted");
                }

                double[] brokerAtCsRate = runs('E') ? brokerAtCsRate(artemis, broker) : null;

                warmUp(bridge, broker, runs('B'));
                a = runs('A') ? scenarioA(bridge, broker) : 0;
                double b = runs('B') ? scenarioB(bridge, broker) : 0;
                c = runs('C') ? scenarioC(bridge, broker) : 0;
                if (brokerAtCsRate != null) {
                    rows.add(row("E", "broker alone at C's rate: 1,000 durable sends/s, a consumer reading",
                            String.format("send to confirmation p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms",
                                    brokerAtCsRate[0], brokerAtCsRate[1], brokerAtCsRate[2]),
                            "", c == 0 ? "" : "bridge C p99 / E p99 = " + ratio(c, brokerAtCsRate[1])));
                }
                if (runs('D')) {
                    rows.add(row("D", "broker alone, blocking durable sends, 64 producers", brokerBlocking.result(),
                            "", "bridge A / D = " + ratio(a, brokerBlocking.rate())
                                    + verdict(a, brokerBlocking.rate(), 0.35)));
                    rows.add(row("D", "broker alone, transactions of 100, 64 producers", brokerTransacted.result(),
                            "", "bridge B / D = " + ratio(b, brokerTransacted.rate())
                                    + verdict(b, brokerTransacted.rate(), 1)));
                }
                long peakKb = peakResidentKb(bridge.pid());
                rows.add(row("M", "bridge peak resident memory", peakKb / 1024 + " MB", "<= 256 MB",
                        peakKb / 1024 <= 256 ? "met" : "MISSED"));
                rows.add(row("S", "bridge start to ready", readyMillis + " ms", "<= 2,500 ms",
                        readyMillis <= 2500 ? "met" : "MISSED"));
            } finally {
                bridge.close();
            }
            if (runs('F')) {
                scenarioF(artemis, broker, a, c);
            }
        }
        if (runs('R')) {
            scenarioR();
        }
        if (runs('K')) {
            scenarioK();
        }
        if (runs('H')) {
            scenarioH();
        }
        printTable();
    }

    /**
     * Untimed load first, so every scenario meets a bridge and a broker whose code the JIT has
     * compiled: a cold JVM on two shared cores serves a fraction of its rate for its first seconds.
     * Before B, half the connections send B's 100-event bodies: with A's one-event bodies alone, both
     * compilers were still busy with B's path 12 s into B (48% of a core in the bridge, 56% in the
     * broker). The scenarios of A's load alone (R, K, H) warm up with A's bodies alone.
     */
    private void warmUp(BridgeProcess bridge, BrokerClient broker, boolean forB) throws Exception {
        System.out.println("warm-up: " + (forB ? "1-event and 100-event" : "1-event") + " POSTs, 8 connections, "
                + warmUpSeconds + " s (not counted)");
        Webhook webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Supplier<String> bodies = forB && t % 2 == 1 ? this::pageOfHundredEvents : this::pageOfOneEvent;
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    webhook.post(bodies.get().getBytes(StandardCharsets.UTF_8));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        broker.purge(QUEUE);
    }

    /** A: one event a request, 64 connections, wrk with pre-signed unique bodies. */
    private double scenarioA(BridgeProcess bridge, BrokerClient broker) throws Exception {
        int threads = 2;
        long bodies = 10_000L * seconds;
        Path file = signedBodies("a-bodies.txt", bodies);
        System.out.println("A: 1-event POSTs, 64 connections, " + seconds + " s (wrk)");
        Process wrk = wrk(bridge.httpPort(), file, threads, 64);
        var cpu = CpuUse.middleOf(sharing(bridge, "wrk", wrk.toHandle()), seconds);
        String output = awaitOutput(wrk);
        System.out.println(output);
        WrkRun run = WrkRun.of(output);
        double rate = run.rate();
        String check = check(broker, run.acknowledged(), run.requests() <= bodies);
        rows.add(row("A", "1-event POSTs, 64 connections, " + seconds + " s", fmt(rate) + " req/s, errors " + run.errors()
                // the percentile lines of wrk's latency distribution, not a "92.50%" in its summary
                + ", p50 " + find(output, "(?m)^\\s*50%\\s+(\\S+)") + ", p99 " + find(output, "(?m)^\\s*99%\\s+(\\S+)")
                + "; " + cpu.get().perEvent("a request", rate),
                "A / D >= 0.35", "in D's row; " + check));
        Files.delete(file);
        return rate;
    }

    /** wrk cycling the pre-signed bodies of {@code file}, for the scenarios' seconds. */
    private Process wrk(int port, Path file, int threads, int connections) throws Exception {
        return wrk(port, file, threads, connections, seconds);
    }

    private Process wrk(int port, Path file, int threads, int connections, int seconds) throws Exception {
        return new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "-s",
                "bench/post.lua", "http://127.0.0.1:" + port, "--", file.toString(), Integer.toString(threads))
                .redirectErrorStream(true).start();
    }

    private static String awaitOutput(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** Pre-signed one-event bodies, each event unique, for wrk. */
    private Path signedBodies(String name, long count) throws Exception {
        return signedBodies(name, count, this::pageOfOneEvent);
    }

    /** A delivery of one message event, unique. */
    private String pageOfOneEvent() {
        return Events.page(event());
    }

    private Path signedBodies(String name, long count, Supplier<String> bodies) throws Exception {
        Path file = WORK.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < count; i++) {
                String body = bodies.get();
                out.write(Webhook.sign(BridgeProcess.APP_SECRET, body.getBytes(StandardCharsets.UTF_8)));
                out.write('\t');
                out.write(body);
                out.write('\n');
            }
        }
        return file;
    }

    /**
     * R: the README's run command as users start it, with its embedded broker, under A's load:
     * 1-event POSTs of one type, no consumer, so that events beyond the broker's memory limit are
     * paged to disk. Its peak resident memory against the budget.
     */
    private void scenarioR() throws Exception {
        loadTheRunCommand("R", "bench-run-command", "1-event POSTs (A's load)", this::pageOfOneEvent,
                List.of(QUEUE), true);
    }

    /** K: as R, with six event types in turn, so that six queues fill while consumers are away. */
    private void scenarioK() throws Exception {
        loadTheRunCommand("K", "bench-embedded", "1-event POSTs of 6 types", this::eventOfSixTypes,
                List.of("messenger.messages", "messenger.message_echoes", "messenger.message_reads",
                        "messenger.message_deliveries", "messenger.messaging_postbacks", "messenger.standby"),
                false);
    }

    /**
     * A bridge of its own as the README's run command starts it (embedded broker), after its own
     * warm-up: 64 connections of {@code bodies} for the scenario's seconds, no consumer; then every
     * queue read empty. The bridge's peak resident memory after the load and after the reading, and
     * every acknowledged event read.
     */
    private void loadTheRunCommand(String letter, String name, String load, Supplier<String> bodies,
            List<String> queues, boolean budgeted) throws Exception {
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        String scenario = "the run command's embedded broker, " + load + ", 64 connections, " + seconds
                + " s, no consumer; then every queue read";
        System.out.println(letter + ": " + scenario);
        try (BridgeProcess bridge = BridgeProcess.startFresh(name, BridgeProcess.env(
                "BROKER_EMBEDDED_ACCEPTOR", acceptor, "WEBHOOK_LOG_LEVEL", "WARN"));
                BrokerClient broker = new BrokerClient(acceptor, "", "")) {
            warmUp(bridge, broker, false);
            long count = 10_000L * seconds;
            Path file = signedBodies(letter.toLowerCase() + "-bodies.txt", count, bodies);
            String output = awaitOutput(wrk(bridge.httpPort(), file, 2, 64));
            System.out.println(output);
            Files.delete(file);
            WrkRun run = WrkRun.of(output);
            long loadedMb = peakResidentKb(bridge.pid()) / 1024;
            long read = 0;
            for (String queue : queues) {
                read += broker.drainCount(queue);
            }
            long drainedMb = peakResidentKb(bridge.pid()) / 1024;
            String check = check(broker, run.acknowledged(), read, run.requests() <= count);
            rows.add(row(letter, scenario, fmt(run.rate()) + " req/s, errors " + run.errors() + "; peak resident memory "
                    + loadedMb + " MB after the load, " + drainedMb + " MB after the reading",
                    budgeted ? "<= 256 MB" : "", budgeted ? (loadedMb <= 256 ? "met" : "MISSED") + "; " + check : check));
        }
    }

    /** Messenger events of six types in turn, each unique: six queues fill. */
    private String eventOfSixTypes() {
        long n = sequence.incrementAndGet();
        String user = "79" + String.format("%014d", n % 1000);
        long timestamp = 1718100000000L + n;
        return switch ((int) (n % 6)) {
            // another app's send: stored, not dropped as the bridge's own echo
            case 0 -> Events.page(Events.echo(user, mid("echo", n), timestamp, "1517000000000001"));
            case 1 -> Events.page(Events.read(user, timestamp, timestamp));
            case 2 -> Events.page(Events.delivery(user, mid("delivered", n), timestamp));
            case 3 -> Events.page(Events.postback(user, mid("postback", n), timestamp, "GET_STARTED"));
            case 4 -> Events.envelope("page", Events.PAGE_ID, "standby",
                    Events.message(user, mid("standby", n), timestamp, "benchmark message " + n));
            default -> Events.page(Events.message(user, mid("message", n), timestamp, "benchmark message " + n));
        };
    }

    /**
     * H: two bridges on a replicated primary/backup pair (the HA topology of docs/high-availability.md), each
     * driven by its own wrk at 32 connections with unique events: requests/s of both together.
     */
    private void scenarioH() throws Exception {
        System.out.println("H: two bridges on a replicated Artemis pair, 2 x 32 connections, " + seconds + " s");
        try (ArtemisDistribution primary = ArtemisDistribution.createReplicated("bench-ha-primary", 1700, 1800, false)
                .start();
                ArtemisDistribution backup = ArtemisDistribution.createReplicated("bench-ha-backup", 1800, 1700, true)
                        .startBackup();
                BrokerClient broker = new BrokerClient(primary.url(), ArtemisDistribution.USER,
                        ArtemisDistribution.PASSWORD)) {
            backup.awaitLog("AMQ221024", Duration.ofSeconds(90)); // in sync with the primary
            Map<String, String> env = BridgeProcess.env("BROKER_URL", "(" + primary.url() + "," + backup.url()
                    + ")?ha=true&reconnectAttempts=-1", "BROKER_USER", ArtemisDistribution.USER, "BROKER_PASSWORD",
                    ArtemisDistribution.PASSWORD, "WEBHOOK_LOG_LEVEL", "WARN");
            try (BridgeProcess first = BridgeProcess.startFresh("bench-ha-1", env);
                    BridgeProcess second = BridgeProcess.startFresh("bench-ha-2", env)) {
                warmUp(first, broker, false);
                warmUp(second, broker, false);
                Path firstBodies = signedBodies("h1-bodies.txt", 5_000L * seconds);
                Path secondBodies = signedBodies("h2-bodies.txt", 5_000L * seconds);
                Process one = wrk(first.httpPort(), firstBodies, 1, 32);
                Process two = wrk(second.httpPort(), secondBodies, 1, 32);
                String outputOne = awaitOutput(one);
                String outputTwo = awaitOutput(two);
                System.out.println(outputOne + outputTwo);
                WrkRun runOne = WrkRun.of(outputOne);
                WrkRun runTwo = WrkRun.of(outputTwo);
                double rate = runOne.rate() + runTwo.rate();
                long errors = runOne.errors() + runTwo.errors();
                String check = check(broker, runOne.acknowledged() + runTwo.acknowledged(), true);
                rows.add(row("H", "two bridges, replicated pair, 2 x 32 connections, " + seconds + " s", fmt(rate)
                        + " req/s, errors " + errors + ", p99 " + find(outputOne, "99%\\s+(\\S+)") + " / "
                        + find(outputTwo, "99%\\s+(\\S+)"), "", check));
                Files.delete(firstBodies);
                Files.delete(secondBodies);
            }
        }
    }

    /**
     * B: 100 events a request, 32 connections, closed loop, with wrk and bodies signed beforehand, as
     * A's: building and signing them during the run took the shared cores 20 to 41 µs an event.
     */
    private double scenarioB(BridgeProcess bridge, BrokerClient broker) throws Exception {
        // room for 30,000 events a second, above the best transacted rate of D here (25,472)
        long bodies = 300L * batchSeconds;
        Path file = signedBodies("b-bodies.txt", bodies, this::pageOfHundredEvents);
        System.out.println("B: 100-event POSTs, 32 connections, " + batchSeconds + " s (wrk)");
        Process wrk = wrk(bridge.httpPort(), file, 2, 32, batchSeconds);
        var cpu = CpuUse.middleOf(sharing(bridge, "wrk", wrk.toHandle()), batchSeconds);
        String output = awaitOutput(wrk);
        System.out.println(output);
        WrkRun run = WrkRun.of(output);
        double rate = run.rate() * EVENTS_PER_BATCH;
        String check = check(broker, run.acknowledged() * EVENTS_PER_BATCH, run.requests() <= bodies);
        rows.add(row("B", "100-event POSTs, 32 connections, " + batchSeconds + " s", fmt(rate) + " events/s, errors "
                + run.errors() + ", p99 " + find(output, "(?m)^\\s*99%\\s+(\\S+)") + "; "
                + cpu.get().perEvent("an event", rate),
                "B / D >= 1", "in D's row; " + check));
        Files.delete(file);
        return rate;
    }

    /** A delivery of 100 message events, each unique. */
    private String pageOfHundredEvents() {
        String[] items = new String[EVENTS_PER_BATCH];
        for (int i = 0; i < items.length; i++) {
            items[i] = event();
        }
        return Events.page(items);
    }

    /**
     * C: a fixed 1,000 POSTs/s, open loop, with a consumer reading (see {@link #openLoop}); the bridge
     * times its own replies and commits over the counted seconds, to tell its time from the generator's.
     */
    private double scenarioC(BridgeProcess bridge, BrokerClient broker) throws Exception {
        System.out.println("C: 1,000 POSTs/s for " + cWarmUpSeconds + " s (not counted), then " + seconds
                + " s, open loop");
        // the scrape at the start of the counted seconds (below) must be a warm one, as a monitor's
        // scrapes are: the first of a process took 120 ms of the bridge's CPU, and stalled the first
        // counted second by 373 and 412 ms in two runs: 1.3% of the counted requests, and so C's p99
        Metrics.scrape(bridge.managementPort());
        java.util.concurrent.CompletableFuture<Metrics> countedFrom = new java.util.concurrent.CompletableFuture<>();
        OpenLoopRun run = openLoop(bridge.httpPort(), broker, () -> {
            try {
                countedFrom.complete(Metrics.scrape(bridge.managementPort()));
            } catch (Exception failure) {
                countedFrom.completeExceptionally(failure);
            }
        });
        Metrics countedTo = Metrics.scrape(bridge.managementPort());
        System.out.println("C as the bridge timed its replies: " + shares(countedFrom.get(), countedTo,
                "bridge_webhook_reply_seconds", List.of("0.01", "0.05"), "status", "200")
                + "; its commits on the broker: " + shares(countedFrom.get(), countedTo, "bridge_store_commit_seconds",
                List.of("0.005", "0.01", "0.05")));
        Files.writeString(WORK.resolve("c-timeline.tsv"), run.timeline());
        String check = check(broker, run.acknowledged(), run.consumed(), true);
        double p99 = run.percentile(99);
        double p999 = run.percentile(99.9);
        rows.add(row("C", "1,000 POSTs/s open loop, " + seconds + " s", run.result(), "p99 <= 10 ms, p99.9 <= 50 ms",
                (p99 <= 10 && p999 <= 50 ? "met" : "MISSED") + "; " + check));
        return p99;
    }

    /**
     * F: what the bridge's own libraries do on this machine without Camel or the bridge's store
     * ({@link BareReceiver}), under A's load and then C's, on the broker of A to E, started by
     * {@code bin/messenger-bridge} as the bridge is. The floor under A and C here:
     * what the bridge adds is A and C against F.
     */
    private void scenarioF(ArtemisDistribution artemis, BrokerClient broker, double bridgeA, double bridgeP99)
            throws Exception {
        int port = 1337 + PORT_OFFSET + 7;
        Path log = WORK.resolve("bare-receiver.log");
        // bin/messenger-bridge starts it, with the JVM settings it gives the bridge with BROKER_URL
        ProcessBuilder start = new ProcessBuilder(Path.of("bin/messenger-bridge").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = start.environment();
        environment.keySet().removeIf(key -> key.equals("JAVA_OPTS") || key.equals("MALLOC_ARENA_MAX"));
        environment.putAll(Map.of("BRIDGE_JAR", bareReceiverJar().toString(), "HTTP_PORT", Integer.toString(port),
                "BROKER_URL", artemis.url(), "BROKER_USER", ArtemisDistribution.USER,
                "BROKER_PASSWORD", ArtemisDistribution.PASSWORD, "META_APP_SECRET", BridgeProcess.APP_SECRET));
        Process receiver = start.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("listening")) {
                if (!receiver.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bare receiver did not start: see " + log);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            System.out.println("F: the bare receiver, 1-event POSTs, 64 connections, " + seconds + " s (wrk)");
            // its warm-up, as the bridge's: the same load, not counted, with bodies of its own, so that
            // every event of the counted seconds is new to the broker's duplicate-id cache
            Path warmUpFile = signedBodies("f-warm-up-bodies.txt", F_BODIES_A_SECOND * warmUpSeconds);
            awaitOutput(wrk(port, warmUpFile, 2, 64, warmUpSeconds));
            Files.delete(warmUpFile);
            broker.purge(QUEUE);
            Path file = signedBodies("f-bodies.txt", F_BODIES_A_SECOND * seconds);
            Map<String, ProcessHandle> processes = new LinkedHashMap<>();
            processes.put("bare receiver", receiver.toHandle());
            processes.put("broker", brokerProcess);
            Process wrk = wrk(port, file, 2, 64);
            processes.put("wrk", wrk.toHandle());
            var cpu = CpuUse.middleOf(processes, seconds);
            WrkRun a = WrkRun.of(awaitOutput(wrk));
            String checkA = check(broker, a.acknowledged(), a.requests() <= F_BODIES_A_SECOND * seconds);
            Files.delete(file);
            rows.add(row("F", "bare receiver (Vert.x, Jackson, Artemis client; no Camel), A's load",
                    fmt(a.rate()) + " req/s, errors " + a.errors() + "; " + cpu.get().perEvent("a request", a.rate()),
                    "", "bridge A / F = " + ratio(bridgeA, a.rate()) + "; " + checkA));
            System.out.println("F: the bare receiver, 1,000 POSTs/s for " + cWarmUpSeconds + " s (not counted), then "
                    + seconds + " s, open loop");
            OpenLoopRun c = openLoop(port, broker, () -> { });
            String checkC = check(broker, c.acknowledged(), c.consumed(), true);
            rows.add(row("F", "bare receiver, C's load", c.result(), "",
                    "bridge C p99 / F p99 = " + ratio(bridgeP99, c.percentile(99)) + "; " + checkC));
        } finally {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A jar of nothing but a manifest, for {@code bin/messenger-bridge}: {@link BareReceiver} as its main
     * class, and this JVM's class path (the benchmark's classes and the project's dependencies) as its own.
     */
    private static Path bareReceiverJar() throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes attributes = manifest.getMainAttributes();
        attributes.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.put(java.util.jar.Attributes.Name.MAIN_CLASS, BareReceiver.class.getName());
        attributes.put(java.util.jar.Attributes.Name.CLASS_PATH, java.util.Arrays.stream(
                System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                .collect(java.util.stream.Collectors.joining(" ")));
        Path jar = WORK.resolve("bare-receiver.jar");
        new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest).close();
        return jar;
    }

    /**
     * A fixed 1,000 POSTs/s, open loop: latency counted from each request's intended send time. Bodies
     * are built and signed beforehand, and sent with Vert.x's Netty client (up to 256 connections): the
     * JDK's HTTP client took as much CPU as the bridge, on the same two cores. A consumer reads the
     * events as they are stored, as in production: a queue that only grows makes the broker's heap
     * grow, and its collector's pauses would be the figure.
     *
     * @param atCountedStart runs, on its own thread, as the first counted request is due
     */
    private OpenLoopRun openLoop(int port, BrokerClient broker, Runnable atCountedStart) throws Exception {
        // the first seconds open the client's connections and compile both sides' code for them: not counted
        long warmUp = 1000L * cWarmUpSeconds;
        long total = warmUp + 1000L * seconds;
        List<byte[]> bodies = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            byte[] body = pageOfOneEvent().getBytes(StandardCharsets.UTF_8);
            bodies.add(body);
            signatures.add(Webhook.sign(BridgeProcess.APP_SECRET, body));
        }
        AtomicLong consumed = new AtomicLong();
        jakarta.jms.Session consumerSession = broker.newSession();
        jakarta.jms.MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(QUEUE));
        consumer.setMessageListener(message -> consumed.incrementAndGet());
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_1_1).setKeepAlive(true)
                // below the bridge's idle timeout (30 s): a connection the server is closing is not reused
                .setKeepAliveTimeout(10)
                .setConnectTimeout(5000), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(256)
                .setMaxWaitQueueSize(-1));
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Map<String, Integer> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch((int) total);
        // the slowest reply of each second, to line stalls up with the bridge's GC log or the broker's
        java.util.concurrent.atomic.AtomicLongArray slowestBySecond = new java.util.concurrent.atomic.AtomicLongArray(
                cWarmUpSeconds + seconds + 1);
        long interval = TimeUnit.MILLISECONDS.toNanos(1);
        long start = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        try {
            for (int i = 0; i < total; i++) {
                long intended = start + i * interval;
                if (i == warmUp) {
                    java.util.concurrent.CompletableFuture.runAsync(atCountedStart);
                }
                LockSupport.parkNanos(intended - System.nanoTime());
                io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(bodies.get(i));
                String signature = signatures.get(i);
                client.request(io.vertx.core.http.HttpMethod.POST, port, "127.0.0.1", "/webhook")
                        .compose(request -> request.putHeader("Content-Type", "application/json")
                                .putHeader("X-Hub-Signature-256", signature).send(body)
                                .compose(response -> response.body().map(ignored -> response.statusCode())))
                        .onComplete(result -> {
                            long took = Math.max(0, System.nanoTime() - intended);
                            slowestBySecond.accumulateAndGet((int) ((intended - start) / 1_000_000_000L), took,
                                    Math::max);
                            boolean counted = intended - start >= TimeUnit.SECONDS.toNanos(cWarmUpSeconds);
                            if (counted) {
                                latency.recordValue(took);
                            }
                            if (result.succeeded() && result.result() == 200) {
                                acknowledged.incrementAndGet();
                            } else if (counted) {
                                errors.incrementAndGet();
                                errorKinds.merge(result.succeeded() ? "HTTP " + result.result()
                                        : rootCause(result.cause()).getClass().getSimpleName(), 1, Integer::sum);
                            }
                            done.countDown();
                        });
            }
            done.await(2, TimeUnit.MINUTES);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (!errorKinds.isEmpty()) {
            System.out.println("errors: " + errorKinds);
        }
        consumerSession.close();
        // each second's start as the clock tells it, to line up with GC logs decorated with 'time'
        StringBuilder timeline = new StringBuilder("second\tslowest reply (ms)\tstarted (UTC)\n");
        for (int second = 0; second < cWarmUpSeconds + seconds; second++) {
            timeline.append(second).append('\t').append(slowestBySecond.get(second) / 1_000_000).append('\t')
                    .append(startedAt.plusSeconds(second)).append('\n');
        }
        return new OpenLoopRun(latency, acknowledged.get(), consumed.get(), errors.get(), timeline.toString());
    }

    /** An open loop's counted latencies, and what the broker was given and read. */
    private record OpenLoopRun(Histogram latency, long acknowledged, long consumed, long errors, String timeline) {

        double percentile(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }

        String result() {
            return "p50 " + millis(latency.getValueAtPercentile(50)) + ", p99 "
                    + millis(latency.getValueAtPercentile(99)) + ", p99.9 " + millis(latency.getValueAtPercentile(99.9))
                    + ", max " + millis(latency.getMaxValue()) + ", errors " + errors;
        }
    }

    /**
     * E: the broker alone at C's rate, with a consumer reading as in C: its own latency from a
     * durable send to its confirmation (the journal synced), on the same machine in the same run.
     * The floor under C's tail: what the bridge adds is C over E.
     *
     * @return p50, p99 and p99.9 in milliseconds
     */
    private double[] brokerAtCsRate(ArtemisDistribution artemis, BrokerClient broker) throws Exception {
        String queue = "bench.e";
        Path report = WORK.resolve(queue + ".json");
        System.out.println("E: the broker alone, artemis perf client, 1,000 persistent 330-byte messages/s and a consumer");
        Process perf = new ProcessBuilder("bash", Path.of(System.getProperty("artemis.home",
                "target/apache-artemis-2.44.0"), "bin/artemis").toString(), "perf", "client", "--url", artemis.url(),
                "--user", ArtemisDistribution.USER, "--password", ArtemisDistribution.PASSWORD, "--persistent",
                "--message-size", "330", "--rate", "1000", "--max-pending", "256",
                "--warmup", Integer.toString(cWarmUpSeconds), "--duration", Integer.toString(cWarmUpSeconds + seconds),
                "--json", report.toString(), "queue://" + queue).redirectErrorStream(true)
                .redirectOutput(WORK.resolve(queue + ".log").toFile()).start();
        perf.waitFor();
        broker.purge(queue);
        for (var sample : new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile())) {
            if ("summary".equals(sample.path("sampleType").asText())) {
                // microseconds, from each message's send to the broker's confirmation
                var sendTime = sample.path("totalSendTime");
                return new double[] {sendTime.path("50").asLong() / 1e3, sendTime.path("99").asLong() / 1e3,
                        sendTime.path("99.9").asLong() / 1e3};
            }
        }
        throw new IllegalStateException("artemis perf client wrote no summary: see " + WORK.resolve(queue + ".log"));
    }

    /** Of a timer's records between two scrapes, the shares over each bound (bounds in seconds, as exported). */
    private static String shares(Metrics before, Metrics after, String timer, List<String> bounds, String... labels) {
        double all = after.value(timer + "_count", labels) - before.value(timer + "_count", labels);
        StringBuilder shares = new StringBuilder(fmt(all));
        for (String bound : bounds) {
            String[] bucket = java.util.Arrays.copyOf(labels, labels.length + 2);
            bucket[labels.length] = "le";
            bucket[labels.length + 1] = bound;
            double within = after.value(timer + "_bucket", bucket) - before.value(timer + "_bucket", bucket);
            shares.append(String.format(", %.2f%% over %s s", 100 * (1 - within / all), bound));
        }
        return shares.toString();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A unique one-event messaging item; users rotate so conversations interleave. */
    private String event() {
        long n = sequence.incrementAndGet();
        return Events.message("79" + String.format("%014d", n % 1000), mid("message", n), 1718100000000L + n,
                "benchmark message " + n);
    }

    /**
     * A unique message id about as long as Meta's (about 90 characters): the broker keeps each one in
     * its duplicate-id cache, so a shorter one would understate the memory measured.
     */
    private static String mid(String kind, long n) {
        return "m_bench_" + kind + "_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz_" + n;
    }

    /** Every acknowledged event is on the broker: then the queue is emptied for the next scenario. */
    private static String check(BrokerClient broker, long acknowledged, boolean unique) throws Exception {
        return check(broker, acknowledged, 0, unique);
    }

    /** @param consumed events a consumer read during the scenario: stored, and no longer on the queue */
    private static String check(BrokerClient broker, long acknowledged, long consumed, boolean unique)
            throws Exception {
        long stored = consumed + broker.storedMessages();
        broker.purge(QUEUE);
        String verdict = stored >= acknowledged ? "all " + fmt(acknowledged) + " acknowledged events stored"
                : "LOST " + (acknowledged - stored) + " of " + fmt(acknowledged) + " acknowledged events";
        return unique ? verdict : verdict + " (bodies ran out and repeated)";
    }

    /** The processes that share the machine's cores in a scenario of the bridge, in the order they are shown. */
    private Map<String, ProcessHandle> sharing(BridgeProcess bridge, String generator, ProcessHandle load) {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("bridge", ProcessHandle.of(bridge.pid()).orElseThrow());
        processes.put("broker", brokerProcess);
        processes.put(generator, load);
        return processes;
    }

    /** D's rate, and the CPU of broker and producer for each message. */
    private record BrokerRun(double rate, CpuUse cpu) {
        static final BrokerRun NONE = new BrokerRun(0, null);

        String result() {
            return fmt(rate) + " msg/s; " + cpu.perEvent("a message", rate);
        }
    }

    private BrokerRun artemisPerf(ArtemisDistribution artemis, String queue, int duration, String... extra)
            throws Exception {
        Path report = WORK.resolve(queue + ".json");
        List<String> command = new ArrayList<>(List.of("bash", Path.of(System.getProperty("artemis.home",
                "target/apache-artemis-2.44.0"), "bin/artemis").toString(), "perf", "producer", "--url", artemis.url(),
                "--user", ArtemisDistribution.USER, "--password", ArtemisDistribution.PASSWORD, "--persistent",
                "--message-size", "330", "--producers", "64", "--duration", Integer.toString(duration),
                "--warmup", Integer.toString(Math.min(3, duration / 3)), "--json", report.toString()));
        command.addAll(List.of(extra));
        command.add("queue://" + queue);
        Process perf = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(WORK.resolve(queue + ".log").toFile()).start();
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("broker", brokerProcess);
        processes.put("artemis perf", perf.toHandle());
        var cpu = CpuUse.middleOf(processes, duration);
        perf.waitFor();
        long completed = 0;
        int intervals = 0;
        for (var sample : new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile())) {
            if ("interval".equals(sample.path("sampleType").asText()) && !sample.path("warmup").asBoolean()) {
                completed += sample.path("completed").asLong();
                intervals++;
            }
        }
        return new BrokerRun(intervals == 0 ? 0 : completed / (double) intervals, cpu.get());
    }

    /**
     * Times the start from the spawn until the readiness probe answers 200. The probe is a plain socket,
     * not this JVM's HttpClient: a first HttpClient costs this still-cold JVM a few hundred ms of CPU,
     * which the bridge's start would share on a two-core machine and which no user's probe costs.
     */
    private static long awaitReady(BridgeProcess bridge, long spawned) throws Exception {
        while (!ready(bridge.managementPort())) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned);
    }

    private static boolean ready(int managementPort) {
        try (Socket socket = new Socket("127.0.0.1", managementPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /observe/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return statusLine != null && statusLine.startsWith("HTTP/1.1 200");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static long peakResidentKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private void printTable() {
        StringBuilder table = new StringBuilder("\nMessenger Bridge benchmark, " + LocalDate.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, load generator, bridge and broker on one machine\n\n"
                + "| | scenario | result | target | verdict |\n|---|---|---|---|---|\n");
        for (String[] row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        System.out.println(table);
        try {
            Files.writeString(WORK.resolve("results.md"), table.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean runs(char scenario) {
        return scenarios.indexOf(scenario) >= 0;
    }

    /** The target of a ratio to the broker alone, met or not; nothing when the bridge's scenario did not run. */
    private static String verdict(double bridge, double broker, double target) {
        return bridge == 0 || broker == 0 ? "" : bridge / broker >= target ? ": met" : ": MISSED";
    }

    private static String ratio(double bridge, double broker) {
        return broker > 0 && bridge > 0 ? String.format("%.2f", bridge / broker) : "n/a";
    }

    private static String[] row(String... cells) {
        return cells;
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }

    private static String millis(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    /** What wrk printed: requests sent, those answered other than 2xx, socket errors, requests a second. */
    private record WrkRun(long requests, long refused, long socketErrors, double rate) {

        static WrkRun of(String output) {
            return new WrkRun(Long.parseLong(find(output, "(\\d+) requests in")),
                    optional(output, "Non-2xx or 3xx responses: (\\d+)"), BenchmarkMain.socketErrors(output),
                    Double.parseDouble(find(output, "Requests/sec:\\s+([\\d.]+)")));
        }

        long acknowledged() {
            return requests - refused;
        }

        long errors() {
            return refused + socketErrors;
        }
    }

    private static String find(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no '" + regex + "' in:\n" + text);
        }
        return matcher.group(1);
    }

    private static long optional(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static long socketErrors(String text) {
        Matcher matcher = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(text);
        long sum = 0;
        if (matcher.find()) {
            for (int g = 1; g <= 4; g++) {
                sum += Long.parseLong(matcher.group(g));
            }
        }
        return sum;
    }
}
