package com.messengerbridge.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real local HTTP service standing in for a team's sink: it records each request and answers as told. */
final class SinkStandIn implements AutoCloseable {

    /** One request as the sink saw it, and the status it answered. */
    record Request(String path, Map<String, List<String>> headers, byte[] body, Instant at, int status) {
        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** How a path answers its n-th request (counting from 1). */
    interface Behaviour {
        int answer(int n, HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Integer> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);

    /** Listens on a free local port; a test cannot go on without it, so a failure to bind is unchecked. */
    SinkStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void on(String path, Behaviour behaviour) {
        behaviours.put(path, behaviour);
    }

    /** Answers nothing until the stand-in closes: a sink that hangs. */
    Behaviour hang() {
        return (n, exchange) -> {
            released.await(120, TimeUnit.SECONDS);
            return 200;
        };
    }

    /** Requests that reached the path, answered or not (a hanging sink answers none). */
    int arrivals(String path) {
        return arrivals.getOrDefault(path, 0);
    }

    List<Request> requests(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    /** Waits until the path has seen requests that satisfy the condition; returns them all. */
    List<Request> await(String path, java.util.function.Predicate<List<Request>> condition, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.test(requests(path))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the sink at " + path + " did not see what was expected in " + timeout
                        + "; it saw " + requests(path).size() + " requests");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return requests(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        int n = counts.merge(path, 1, Integer::sum);
        arrivals.merge(path, 1, Integer::sum);
        int status;
        try {
            status = behaviours.getOrDefault(path, (i, e) -> 200).answer(n, exchange);
        } catch (Exception e) {
            status = 500;
        }
        synchronized (requests) {
            requests.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body, Instant.now(), status));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
