package com.messengerbridge.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a scenario's cores go: the CPU time each process (with its children) takes over a window in
 * the middle of the scenario, and the whole machine's busy time, as the OS counts them. Bridge,
 * broker and load generator share the machine's cores, so their CPU for each event tells how near a
 * ratio to D can come on it: the broker's share of an event in A or B against its share of a message
 * in D, and what is left for the bridge.
 */
final class CpuUse {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Each process's cores (CPU seconds over wall seconds), then "machine" for all of them. */
    private final Map<String, Double> cores;

    private CpuUse(Map<String, Double> cores) {
        this.cores = cores;
    }

    /**
     * Measures from {@code delaySeconds} after now, for {@code windowSeconds}, on a thread of its own;
     * every process must still run at the window's end.
     */
    private static CompletableFuture<CpuUse> window(Map<String, ProcessHandle> processes, int delaySeconds,
            int windowSeconds) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                TimeUnit.SECONDS.sleep(delaySeconds);
                Map<String, Duration> before = cpuTimes(processes);
                long[] machineBefore = machineTicks();
                long start = System.nanoTime();
                TimeUnit.SECONDS.sleep(windowSeconds);
                Map<String, Duration> after = cpuTimes(processes);
                long[] machineAfter = machineTicks();
                double wallSeconds = (System.nanoTime() - start) / 1e9;
                Map<String, Double> cores = new LinkedHashMap<>();
                before.forEach((name, cpu) -> cores.put(name,
                        after.get(name).minus(cpu).toNanos() / 1e9 / wallSeconds));
                long busy = machineAfter[0] - machineBefore[0];
                long all = machineAfter[1] - machineBefore[1];
                cores.put("machine", all == 0 ? 0 : CORES * busy / (double) all);
                return new CpuUse(cores);
            } catch (Exception failure) {
                throw new IllegalStateException("could not measure CPU use", failure);
            }
        });
    }

    /** A window of a scenario of {@code seconds}: its middle, leaving out a start and an end of a few seconds. */
    static CompletableFuture<CpuUse> middleOf(Map<String, ProcessHandle> processes, int seconds) {
        int margin = Math.max(1, Math.min(5, seconds / 6));
        return window(processes, margin, Math.max(1, seconds - 2 * margin));
    }

    /** e.g. "CPU an event: bridge 61 µs, broker 58 µs, wrk 14 µs; machine busy 1.96 of 2 cores". */
    String perEvent(String unit, double eventsPerSecond) {
        StringBuilder text = new StringBuilder("CPU " + unit + ":");
        String separator = " ";
        for (Map.Entry<String, Double> process : cores.entrySet()) {
            if (!process.getKey().equals("machine")) {
                text.append(separator).append(process.getKey()).append(' ')
                        .append(eventsPerSecond == 0 ? "n/a" : Math.round(process.getValue() * 1e6 / eventsPerSecond))
                        .append(" µs");
                separator = ", ";
            }
        }
        return text.append(String.format("; machine busy %.2f of %d cores", cores.get("machine"), CORES)).toString();
    }

    private static Map<String, Duration> cpuTimes(Map<String, ProcessHandle> processes) {
        Map<String, Duration> times = new LinkedHashMap<>();
        processes.forEach((name, process) -> {
            Duration cpu = cpuTime(process);
            // a start script's java is its child: the tree's CPU, not the script's alone; but this JVM,
            // as a load generator, alone: bridge and broker are its children, counted on their own
            if (!process.equals(ProcessHandle.current())) {
                for (ProcessHandle child : process.descendants().toList()) {
                    cpu = cpu.plus(cpuTime(child));
                }
            }
            times.put(name, cpu);
        });
        return times;
    }

    private static Duration cpuTime(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The machine's busy and total clock ticks since boot, from the first line of /proc/stat. */
    private static long[] machineTicks() throws Exception {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            long ticks = Long.parseLong(fields[i]);
            total += ticks;
            if (i == 4 || i == 5) {
                idle += ticks;
            }
        }
        return new long[] {total - idle, total};
    }
}
