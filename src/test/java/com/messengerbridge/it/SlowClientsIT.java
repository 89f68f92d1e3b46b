package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that hold the bridge's resources without sending real work: slow and stalled uploads,
 * idle and silent connections, too many headers, ambiguous framing, pipelined floods and large
 * bodies in parallel. The bridge runs as the README starts it (its memory settings, 4 MiB bodies);
 * Meta's own requests must keep getting 200 throughout, and nothing may stay held afterwards.
 */
@Tag(Tiers.FULL)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsIT {

    private static final int IDLE_TIMEOUT_SECONDS = 8;
    private static final int BODY_TIMEOUT_MS = 5000;
    /** What docs/security.md promises the bridge stays within, the embedded broker included. */
    private static final long DOCUMENTED_RESIDENT_BYTES = 512L * 1024 * 1024;

    private BridgeProcess bridge;
    private BrokerClient broker;
    private Webhook meta;

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();

    @BeforeAll
    void start() throws Exception {
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        bridge = stopAfterAll.add(BridgeProcess.startFresh("slow-clients", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor,
                "HTTP_IDLE_TIMEOUT_SECONDS", Integer.toString(IDLE_TIMEOUT_SECONDS))));
        broker = stopAfterAll.add(new BrokerClient(acceptor, null, null));
        meta = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
    }

    /** Whatever a test did, every byte and place it took is given back once its connections are gone. */
    @AfterEach
    void nothingStaysHeld() throws Exception {
        Metrics settled = Metrics.await(bridge.managementPort(), metrics ->
                metrics.value("bridge_webhook_in_flight_bytes") == 0
                        && metrics.value("bridge_webhook_in_flight") == 0);
        assertThat(settled.has("bridge_webhook_in_flight_bytes")).isTrue();
        assertThat(settled.value("bridge_webhook_in_flight")).isZero();
    }

    /**
     * 200 connections announce 4 MB bodies and send a byte a second, and reconnect when refused, for
     * 12 s: Meta's POSTs all get 200 within 2 s, and each slow body gets 408 when its time is up.
     */
    @Test
    void slowUploadsNeverLockMetaOut() throws Exception {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            slow.add(slowUpload());
        }
        int timedOut = 0;
        List<String> otherReplies = new ArrayList<>();
        List<Long> metaMillis = new ArrayList<>();
        List<String> mids = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        long nextTrickle = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextTrickle) {
                for (int i = 0; i < slow.size(); i++) {
                    Socket socket = slow.get(i);
                    if (socket.getInputStream().available() > 0) {
                        String status = statusLine(socket);
                        if (status.startsWith("HTTP/1.1 408")) {
                            timedOut++;
                        } else {
                            otherReplies.add(status);
                        }
                        socket.close();
                        slow.set(i, slowUpload());
                    } else {
                        socket.getOutputStream().write('x');
                    }
                }
                nextTrickle = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
            String mid = Events.uniqueMid();
            long started = System.nanoTime();
            HttpResponse<String> reply = meta.post(Events.page(Events.message("7810000000000001", mid,
                    1718090000000L + mids.size(), "during the attack")));
            metaMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(reply.statusCode()).as("Meta's POST %d during the attack", mids.size() + 1).isEqualTo(200);
            mids.add(mid);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        for (Socket socket : slow) {
            socket.close();
        }

        assertThat(metaMillis).as("Meta's reply times (ms)").allMatch(millis -> millis < 2000);
        assertThat(timedOut).as("slow bodies answered 408").isGreaterThanOrEqualTo(200);
        assertThat(otherReplies).isEmpty();
        assertThat(broker.receive("messenger.messages", mids.size())).hasSize(mids.size());
    }

    /** A body that stops coming: 408 when WEBHOOK_BODY_TIMEOUT_MS is up, and the connection closed. */
    @Test
    void aStalledBodyGets408AndItsConnectionIsClosed() throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        try (Socket socket = slowUpload()) {
            socket.setSoTimeout(BODY_TIMEOUT_MS + 5000);
            long started = System.nanoTime();

            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(reply).startsWith("HTTP/1.1 408").contains("Connection: close")
                    .endsWith("request body not received within " + BODY_TIMEOUT_MS + " ms");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isBetween(BODY_TIMEOUT_MS - 1000L, BODY_TIMEOUT_MS + 4000L);
        }
        assertThat(Metrics.scrape(bridge.managementPort()).value("bridge_webhook_rejected_total", "reason",
                "body_timeout", "status", "408") - before.value("bridge_webhook_rejected_total", "reason",
                "body_timeout", "status", "408")).isEqualTo(1);
    }

    /** Idle keep-alive connections, and connections that never send a request, are closed. */
    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (Socket keptAlive = connect(); Socket silent = connect()) {
            keptAlive.getOutputStream().write(verificationRequest("kept").getBytes(StandardCharsets.US_ASCII));
            assertThat(statusLine(keptAlive)).isEqualTo("HTTP/1.1 200 OK");
            long started = System.nanoTime();

            assertThat(closedWithin(keptAlive, IDLE_TIMEOUT_SECONDS + 5)).as("the idle keep-alive connection closed")
                    .isTrue();
            assertThat(closedWithin(silent, 2)).as("the connection that never sent a request closed").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .as("not before its idle time").isGreaterThanOrEqualTo(IDLE_TIMEOUT_SECONDS - 2);
        }
    }

    @Test
    void tooManyOrTooLargeHeadersAre431() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            many.append("X-Filler-").append(i).append(": 1\r\n");
        }
        assertThat(exchange("GET /webhook HTTP/1.1\r\nHost: x\r\n" + many + "\r\n")).startsWith("HTTP/1.1 431");
        assertThat(exchange("GET /webhook HTTP/1.1\r\nHost: x\r\nX-Large: " + "a".repeat(9000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
    }

    /**
     * Request smuggling needs a body that two readers frame differently. A request framed both by
     * Content-Length and Transfer-Encoding is refused by the HTTP server (Netty 4.1.137's fix); a
     * body framed by Transfer-Encoding alone is refused by the bridge, which frames bodies by
     * Content-Length only. Either way the connection is closed, so the request hidden in the body
     * is never answered ({@code exchange} reads until the bridge closes the connection).
     */
    @Test
    void aBodyFramedByTransferEncodingIsRefusedAndNothingHiddenInItIsAnswered() throws Exception {
        String hidden = verificationRequest("smuggled");
        String chunked = Integer.toHexString(2) + "\r\n{}\r\n0\r\n\r\n";
        Map<String, String> statusOf = Map.of(
                "Content-Length: " + chunked.length() + "\r\nTransfer-Encoding: chunked\r\n", "HTTP/1.1 400",
                "Transfer-Encoding: chunked\r\nContent-Length: " + chunked.length() + "\r\n", "HTTP/1.1 400",
                "Transfer-Encoding: chunked\r\n", "HTTP/1.1 411");
        statusOf.forEach((framing, status) -> {
            try {
                String reply = exchange("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\n" + framing + "\r\n" + chunked + hidden);

                assertThat(reply).as(framing).startsWith(status).doesNotContain("smuggled");
            } catch (IOException failed) {
                throw new java.io.UncheckedIOException(failed);
            }
        });
    }

    /**
     * 300,000 requests (29 MB) pipelined on one connection, whose client reads no reply: the bridge
     * closes it once 16 wait for their replies, instead of reading and queueing the whole flood;
     * everyone else is answered meanwhile.
     */
    @Test
    void aPipelinedFloodOnOneConnectionIsCutOff() throws Exception {
        Metrics before = Metrics.scrape(bridge.managementPort());
        long residentBefore = residentBytes();
        byte[] flood = verificationRequest("pipelined").repeat(300_000).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            CompletableFuture<Boolean> writtenWhole = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.getOutputStream().write(flood);
                    return true;
                } catch (IOException closedByTheBridge) {
                    return false;
                }
            });

            assertThat(writtenWhole.get(30, TimeUnit.SECONDS)).as("the flood written whole").isFalse();
        }
        assertThat(meta.get("/webhook?hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN
                + "&hub.challenge=meanwhile").statusCode()).isEqualTo(200);
        assertThat(residentBytes() - residentBefore).as("resident memory grown by the flood")
                .isLessThan(64L * 1024 * 1024);
        assertThat(Metrics.scrape(bridge.managementPort()).value("bridge_webhook_connections_closed_total", "reason",
                "pipelined") - before.value("bridge_webhook_connections_closed_total", "reason", "pipelined"))
                .isEqualTo(1);
    }

    /**
     * 128 bodies of 3.9 MB at once, wrongly signed: each is refused (403 once read, 503 when the
     * bytes in flight are at their bound), the bridge stays within its documented memory, and the
     * next good request gets 200.
     */
    @Test
    void largeBodiesInParallelStayWithinTheDocumentedMemory() throws Exception {
        byte[] large = new byte[3_900_000];
        Arrays.fill(large, (byte) ' ');
        large[0] = '{';
        large[large.length - 1] = '}';
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService senders = Executors.newFixedThreadPool(128);
        List<Future<String>> outcomes = new ArrayList<>();
        long peakResident = 0;
        try {
            for (int i = 0; i < 128; i++) {
                outcomes.add(senders.submit(() -> {
                    try {
                        return Integer.toString(client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + bridge.httpPort() + "/webhook"))
                                .header("Content-Type", "application/json")
                                .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode());
                    } catch (IOException refusedMidBody) {
                        // a 503 closes the connection while the client is still sending
                        return "closed";
                    }
                }));
            }
            while (outcomes.stream().anyMatch(outcome -> !outcome.isDone())) {
                peakResident = Math.max(peakResident, residentBytes());
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            senders.shutdownNow();
        }
        List<String> statuses = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            statuses.add(outcome.get());
        }

        System.out.printf("large-body flood: peak resident %d MB, statuses %s%n", peakResident >> 20,
                statuses.stream().collect(java.util.stream.Collectors.groupingBy(status -> status,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting())));
        // each body is refused (403 for a wrong signature, 503 past the bytes in flight, or its
        // connection closed mid-upload): which of the last two, and how many, the timing decides
        assertThat(statuses).isSubsetOf("403", "503", "closed").contains("403");
        assertThat(peakResident).as("peak resident memory during the flood").isLessThan(DOCUMENTED_RESIDENT_BYTES);
        String mid = Events.uniqueMid();
        assertThat(meta.post(Events.page(Events.message("7810000000000002", mid, 1718090100000L, "after")))
                .statusCode()).isEqualTo(200);
        assertThat(broker.receive("messenger.messages", 1).get(0).getText()).contains(mid);
    }

    /** A POST that announces a 4 MB body and has sent one byte of it. */
    private Socket slowUpload() throws IOException {
        Socket socket = connect();
        socket.getOutputStream().write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\nContent-Length: 4000000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", bridge.httpPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String verificationRequest(String challenge) {
        return "GET /webhook?hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN + "&hub.challenge="
                + challenge + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /** Sends the bytes on a new connection and reads until the bridge closes it. */
    private String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String statusLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
            line.append((char) c);
        }
        // the rest of the reply: headers and a short body
        in.skip(in.available());
        return line.toString();
    }

    private static boolean closedWithin(Socket socket, int seconds) throws IOException {
        socket.setSoTimeout(seconds * 1000);
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // rest of an earlier reply
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    private long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(bridge.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the bridge");
    }
}
