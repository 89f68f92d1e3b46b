package com.messengerbridge.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed load with unique events, as Meta would send it, from a few threads: each request holds
 * one to three messages of its own. Records which events were acknowledged with a 200, and how
 * long every other answer took.
 */
final class LoadDriver {

    /**
     * One request: its events, the status (-1: no answer at all), how long the answer took, which
     * bridge was asked (its index) and when.
     */
    record Sent(List<String> mids, int status, Duration took, int bridge, Instant at) {
    }

    private final List<Webhook> webhooks;
    private final String run;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    LoadDriver(Webhook webhook, String run) {
        this(List.of(webhook), run);
    }

    /** Each request goes to every one of these bridges, as Meta's retries through a load balancer would. */
    LoadDriver(List<Webhook> webhooks, String run) {
        this.webhooks = webhooks;
        this.run = run;
    }

    void start(int threadCount) {
        running.set(true);
        for (int t = 0; t < threadCount; t++) {
            String user = "78" + String.format("%014d", t);
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    send(user);
                }
            }, "load-" + t);
            thread.start();
            threads.add(thread);
        }
    }

    private void send(String user) {
        int n = sequence.incrementAndGet();
        int events = 1 + n % 3;
        List<String> mids = new ArrayList<>();
        String[] items = new String[events];
        for (int i = 0; i < events; i++) {
            String mid = "m_" + run + "_" + n + "_" + i;
            mids.add(mid);
            items[i] = Events.message(user, mid, 1718040000000L + n, "load " + n);
        }
        String body = Events.page(items);
        for (int bridge = 0; bridge < webhooks.size(); bridge++) {
            Instant start = Instant.now();
            int status;
            inFlight.incrementAndGet();
            try {
                status = webhooks.get(bridge).post(body).statusCode();
            } catch (RuntimeException noAnswer) {
                status = -1;
                sleepQuietly(20); // the bridge is gone: do not spin
            } finally {
                inFlight.decrementAndGet();
            }
            sent.add(new Sent(mids, status, Duration.between(start, Instant.now()), bridge, start));
            if (status == 200) {
                acknowledged.addAll(mids);
            }
        }
    }

    /** Waits until at least {@code count} more events than now were acknowledged. */
    void awaitMoreAcknowledged(int count, Duration timeout) throws InterruptedException {
        int target = acknowledged.size() + count;
        Instant deadline = Instant.now().plus(timeout);
        while (acknowledged.size() < target) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("only " + acknowledged.size() + " of " + target
                        + " events acknowledged in " + timeout + "; statuses: " + statusCounts());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    /** Requests sent and not answered yet. */
    int inFlight() {
        return inFlight.get();
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    String statusCounts() {
        var counts = new java.util.TreeMap<Integer, Integer>();
        sent().forEach(s -> counts.merge(s.status(), 1, Integer::sum));
        return counts.toString();
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
