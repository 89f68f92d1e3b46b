package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.Fixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook is public: anyone can send it anything. Every bad request ends in its status, stores
 * nothing and leaves the bridge answering; the logs never hold a secret, a signature or a payload.
 * The App Secret is being rotated here: {@code META_APP_SECRET=new,old}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final String NEW_SECRET = "new-app-secret-2026";
    private static final String OLD_SECRET = "old-app-secret-2025";
    private static final String GOOD = Events.page(Events.message("7700000000000001", "m_hostile_good", 1718070000000L,
            "good"));

    /** HTTP/2, upgraded from HTTP/1.1 (h2c): a client may speak it, and each bad request must still get its status. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private BridgeProcess bridge;
    private BrokerClient broker;
    private SinkStandIn sink;
    /** Pasted where the Page id belongs, with a token: neither may reach the log. */
    private static final String MALFORMED_PAGE_ID = "4242 4242/../me";
    private static final String PAGE_TOKEN = "EAAGpageTokenThatMustNeverBeLogged";

    /** One bad request and the status it must get. */
    record BadRequest(String name, String method, String path, byte[] body, List<String> headers, int status) {
        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();

    @BeforeAll
    void start() throws Exception {
        String acceptor = "tcp://127.0.0.1:" + BridgeProcess.freePort();
        // a sink that refuses everything: its events are dead-lettered, and the log says so
        sink = stopAfterAll.add(new SinkStandIn());
        sink.on("/refuse", (n, exchange) -> 400);
        bridge = stopAfterAll.add(BridgeProcess.startFresh("hostile", BridgeProcess.env("BROKER_EMBEDDED_ACCEPTOR", acceptor,
                "META_APP_SECRET", NEW_SECRET + "," + OLD_SECRET, "WEBHOOK_MAX_BODY_BYTES", "1048576",
                "SINK_HTTP_MESSAGING_OPTINS", sink.url("/refuse"),
                "META_PAGE_ID", MALFORMED_PAGE_ID, "META_PAGE_ACCESS_TOKEN", PAGE_TOKEN)));
        broker = stopAfterAll.add(new BrokerClient(acceptor, null, null));
    }

    static Stream<BadRequest> badRequests() {
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        String signature = Webhook.sign(NEW_SECRET, good);
        String hex = signature.substring("sha256=".length());
        List<BadRequest> table = new ArrayList<>();
        // signature
        table.add(post("no signature", good, 401));
        table.add(post("sha1= only", good, 401, "X-Hub-Signature", "sha1=" + hex.substring(0, 40)));
        table.add(post("sha256= non-hex", good, 401, "X-Hub-Signature-256", "sha256=" + "z".repeat(64)));
        table.add(post("sha256= too short", good, 401, "X-Hub-Signature-256", "sha256=" + hex.substring(2)));
        table.add(post("sha256= too long", good, 401, "X-Hub-Signature-256", signature + "00"));
        table.add(post("sha256= empty", good, 401, "X-Hub-Signature-256", "sha256="));
        table.add(post("SHA256= prefix", good, 401, "X-Hub-Signature-256", "SHA256=" + hex));
        table.add(post("bare hex", good, 401, "X-Hub-Signature-256", hex));
        table.add(post("two signatures", good, 401, "X-Hub-Signature-256", signature + "," + signature));
        table.add(post("another secret", good, 403, "X-Hub-Signature-256", Webhook.sign("another-secret", good)));
        table.add(post("signature of other bytes", good, 403, "X-Hub-Signature-256",
                Webhook.sign(NEW_SECRET, (GOOD + " ").getBytes(StandardCharsets.UTF_8))));
        table.add(post("signature of no body", good, 403, "X-Hub-Signature-256", Webhook.sign(NEW_SECRET, new byte[0])));
        // body, correctly signed
        table.add(signed("empty body", "", 400));
        table.add(signed("truncated JSON", GOOD.substring(0, GOOD.length() / 2), 400));
        table.add(signed("JSON array", "[" + GOOD + "]", 400));
        table.add(signed("JSON string", "\"page\"", 400));
        table.add(signed("JSON number", "42", 400));
        table.add(signed("JSON null", "null", 400));
        table.add(signed("object missing", "{\"entry\":[]}", 400));
        table.add(signed("object a number", "{\"object\":1,\"entry\":[]}", 400));
        table.add(signed("object null", "{\"object\":null,\"entry\":[]}", 400));
        table.add(signed("object user", GOOD.replace("\"page\"", "\"user\""), 404));
        table.add(signed("object whatsapp", GOOD.replace("\"page\"", "\"whatsapp_business_account\""), 404));
        table.add(signed("entry missing", "{\"object\":\"page\"}", 400));
        table.add(signed("entry an object", "{\"object\":\"page\",\"entry\":{}}", 400));
        table.add(signed("entry a string", "{\"object\":\"page\",\"entry\":\"x\"}", 400));
        table.add(signed("entry holds numbers", "{\"object\":\"page\",\"entry\":[1,2]}", 400));
        table.add(signed("entry holds arrays", "{\"object\":\"page\",\"entry\":[[]]}", 400));
        table.add(signed("entry without id", "{\"object\":\"page\",\"entry\":[{\"messaging\":[{}]}]}", 400));
        table.add(signed("messaging not an array", "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":{}}]}", 400));
        table.add(signed("messaging holds strings", "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[\"x\"]}]}", 400));
        table.add(signed("good entry then a bad one", GOOD.replace("]}]}", "]},7]}"), 400));
        table.add(signed("nested 5,000 levels", GOOD.replace("\"good\"", "[".repeat(5000) + "]".repeat(5000)), 400));
        table.add(signed("trailing garbage", GOOD + "}}", 400));
        table.add(signed("10,001 events", "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":["
                + String.join(",", java.util.Collections.nCopies(10_001, "{\"a\":1}")) + "]}]}", 413));
        table.add(new BadRequest("invalid UTF-8", "POST", "/webhook", invalidUtf8(),
                signedHeaders(invalidUtf8()), 400));
        // content type
        table.add(post("text/plain", good, 415, "X-Hub-Signature-256", signature, "Content-Type", "text/plain"));
        table.add(post("form", good, 415, "X-Hub-Signature-256", signature, "Content-Type",
                "application/x-www-form-urlencoded"));
        table.add(new BadRequest("no Content-Type", "POST", "/webhook", good, List.of("X-Hub-Signature-256", signature), 415));
        // methods and paths
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            table.add(new BadRequest(method, method, "/webhook", good, signedHeaders(good), 405));
        }
        table.add(new BadRequest("sub-path", "POST", "/webhook/admin", good, signedHeaders(good), 404));
        table.add(new BadRequest("other path", "POST", "/webhooks", good, signedHeaders(good), 404));
        table.add(new BadRequest("root", "GET", "/", new byte[0], List.of(), 404));
        table.add(new BadRequest("dot segments", "POST", "/webhook/../admin", good, signedHeaders(good), 404));
        // the verification GET
        String query = "/webhook?hub.mode=subscribe&hub.verify_token=" + BridgeProcess.VERIFY_TOKEN;
        table.add(get("challenge missing", query, 400));
        table.add(get("challenge empty", query + "&hub.challenge=", 400));
        table.add(get("challenge of 1,000 characters", query + "&hub.challenge=" + "7".repeat(1_000), 400));
        // longer than the HTTP server takes for a request line: refused before any route sees it
        table.add(get("challenge of 10,000 characters", query + "&hub.challenge=" + "7".repeat(10_000), 431));
        table.add(get("challenge with CR/LF", query + "&hub.challenge=42%0d%0aSet-Cookie:%20x=1", 400));
        table.add(get("wrong mode", query.replace("subscribe", "unsubscribe") + "&hub.challenge=42", 403));
        table.add(get("wrong token", query.replace(BridgeProcess.VERIFY_TOKEN, "guess") + "&hub.challenge=42", 403));
        table.add(get("no parameters", "/webhook", 400));
        return table.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestGetsItsStatusAndTheBridgeAnswersTheNextGoodOne(BadRequest bad) throws Exception {
        HttpResponse<String> response = send(bad.method(), bad.path(), bad.body(), bad.headers());

        assertThat(response.statusCode()).isEqualTo(bad.status());
        assertThat(response.body()).hasSizeLessThan(64).doesNotContain("Exception");
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-hub")
                || name.toLowerCase().startsWith("hub.") || name.toLowerCase().startsWith("camel"));
        assertStillAnswering();
    }

    @Order(2)
    @Test
    void noBadRequestStoredAnythingAndAGoodOneStillIs() throws Exception {
        assertThat(badRequests().count()).isGreaterThanOrEqualTo(40);
        assertThat(broker.storedMessages()).isZero();

        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        assertThat(send("POST", "/webhook", good, signedHeaders(good)).statusCode()).isEqualTo(200);

        assertThat(broker.storedMessages()).isEqualTo(1);
        broker.receive("messenger.messages", 1);
    }

    /** Larger than WEBHOOK_MAX_BODY_BYTES: refused from its Content-Length, before the body is sent. */
    @Order(3)
    @Test
    void anOversizedBodyIsRefusedWithoutBeingRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", bridge.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\nContent-Length: 104857600\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(statusLine).isEqualTo("HTTP/1.1 413");
        }
        assertStillAnswering();
    }

    /** During a rotation either secret verifies, and the log says which one Meta still signs with. */
    @Order(4)
    @Test
    void duringASecretRotationEitherSecretVerifiesAndTheLogSaysWhich() throws Exception {
        String first = Events.page(Events.message("7700000000000002", "m_hostile_new", 1718070000001L, "new"));
        String second = Events.page(Events.message("7700000000000002", "m_hostile_old", 1718070000002L, "old"));

        assertThat(new Webhook(bridge.httpPort(), NEW_SECRET).post(first).statusCode()).isEqualTo(200);
        assertThat(new Webhook(bridge.httpPort(), OLD_SECRET).post(second).statusCode()).isEqualTo(200);

        assertThat(broker.receive("messenger.messages", 2)).hasSize(2);
        assertThat(bridge.log()).contains("signature matched App Secret #1 of 2")
                .contains("signature matched App Secret #2 of 2");
    }

    /**
     * Thousands of mutated fixtures and random bodies: never a 5xx, never a hang, and nothing that
     * was not correctly signed is stored.
     */
    @Order(5)
    @Test
    void fuzzedRequestsNeverBreakTheBridgeNorStoreUnsignedEvents() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261128L);
        Random random = new Random(seed);
        List<byte[]> fixtures = Fixtures.ALL.stream().map(Fixtures::bytes).toList();
        long storedBefore = broker.storedMessages();

        for (int i = 0; i < 1500; i++) {
            byte[] original = fixtures.get(random.nextInt(fixtures.size()));
            byte[] mutated = mutate(original, random);
            // signed over the original, sent mutated: the signature no longer matches
            int status = send("POST", "/webhook", mutated, List.of("Content-Type", "application/json",
                    "X-Hub-Signature-256", Webhook.sign(NEW_SECRET, original))).statusCode();
            assertThat(status).as("seed %d, request %d: %s", seed, i, preview(mutated)).isIn(403, 413);
        }
        assertThat(broker.storedMessages()).as("events stored without a valid signature").isEqualTo(storedBefore);

        for (int i = 0; i < 1500; i++) {
            byte[] body = random.nextInt(4) == 0 ? randomBody(random)
                    : mutate(fixtures.get(random.nextInt(fixtures.size())), random);
            int status = send("POST", "/webhook", body, signedHeaders(body)).statusCode();
            assertThat(status).as("seed %d, signed request %d: %s", seed, i, preview(body)).isIn(200, 400, 404, 413);
        }
        assertStillAnswering();
    }

    /**
     * Logs of everything above, of Meta's retries and of dead-lettered events, broker lines
     * included, and of a start with a malformed Page id: ids and outcomes only, no user named.
     */
    @Order(6)
    @Test
    void theLogsHoldNoSecretTokenSignatureOrPayload() throws Exception {
        for (String fixture : Fixtures.ALL) {
            byte[] body = Fixtures.bytes(fixture);
            assertThat(send("POST", "/webhook", body, signedHeaders(body)).statusCode()).isIn(200);
        }
        // Meta's retries: the broker refuses what it has, and its warning would print the properties
        for (int retry = 0; retry < 2; retry++) {
            for (String fixture : List.of("messages.json", "messaging_optins.json")) {
                byte[] body = Fixtures.bytes(fixture);
                assertThat(send("POST", "/webhook", body, signedHeaders(body)).statusCode()).isEqualTo(200);
            }
        }
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (!bridge.log().contains("dead-lettered event") || !bridge.log().contains("subscription check failed")) {
            assertThat(java.time.Instant.now()).as("a dead letter and the subscription check in the log")
                    .isBefore(deadline);
            Thread.sleep(100);
        }
        String log = bridge.log();
        assertThat(log).contains("META_PAGE_ID must be a numeric Meta id");
        assertThat(sink.arrivals("/refuse")).isPositive();

        LogRules.assertNothingLeaks(log, PAGE_TOKEN, NEW_SECRET, OLD_SECRET);
    }

    /** The bridge still answers a good verification request, challenge and all. */
    private void assertStillAnswering() throws Exception {
        HttpResponse<String> response = send("GET", "/webhook?hub.mode=subscribe&hub.verify_token="
                + BridgeProcess.VERIFY_TOKEN + "&hub.challenge=alive", new byte[0], List.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("alive");
    }

    private HttpResponse<String> send(String method, String path, byte[] body, List<String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body.length == 0 && method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static BadRequest post(String name, byte[] body, int status, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        if (!all.contains("Content-Type")) {
            all.addAll(List.of("Content-Type", "application/json"));
        }
        return new BadRequest(name, "POST", "/webhook", body, all, status);
    }

    private static BadRequest signed(String name, String body, int status) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new BadRequest(name, "POST", "/webhook", bytes, signedHeaders(bytes), status);
    }

    private static BadRequest get(String name, String pathAndQuery, int status) {
        return new BadRequest(name, "GET", pathAndQuery, new byte[0], List.of(), status);
    }

    private static List<String> signedHeaders(byte[] body) {
        return List.of("Content-Type", "application/json", "X-Hub-Signature-256", Webhook.sign(NEW_SECRET, body));
    }

    private static byte[] invalidUtf8() {
        byte[] body = GOOD.getBytes(StandardCharsets.UTF_8);
        int at = GOOD.indexOf("good");
        body[at] = (byte) 0xff;
        body[at + 1] = (byte) 0xfe;
        return body;
    }

    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ",", ":", "null", "true", "1e999999",
        "\\u0000", "\\ud800", "-0", "{\"object\":\"page\"}", "\"entry\":[]", "\u00e4", "\\", "9".repeat(40)};

    /** One or more random edits that change the bytes: flips, cuts, repeats, stray JSON tokens. */
    private static byte[] mutate(byte[] original, Random random) {
        byte[] body = original;
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            if (body.length == 0) {
                body = new byte[] {'{'};
            }
            int at = random.nextInt(body.length);
            switch (random.nextInt(5)) {
                case 0 -> {
                    body = body.clone();
                    body[at] = (byte) (body[at] ^ (1 + random.nextInt(255)));
                }
                case 1 -> body = concat(Arrays.copyOf(body, at), Arrays.copyOfRange(body,
                        Math.min(body.length, at + 1 + random.nextInt(20)), body.length));
                case 2 -> body = Arrays.copyOf(body, Math.max(1, at));
                case 3 -> body = concat(concat(Arrays.copyOf(body, at),
                        TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8)),
                        Arrays.copyOfRange(body, at, body.length));
                default -> {
                    int end = Math.min(body.length, at + 1 + random.nextInt(50));
                    body = concat(concat(Arrays.copyOf(body, end), Arrays.copyOfRange(body, at, end)),
                            Arrays.copyOfRange(body, end, body.length));
                }
            }
        }
        return Arrays.equals(body, original) ? concat(body, new byte[] {' '}) : body;
    }

    private static byte[] randomBody(Random random) {
        StringBuilder body = new StringBuilder();
        int tokens = random.nextInt(40);
        for (int i = 0; i < tokens; i++) {
            body.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        if (random.nextBoolean()) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            return concat(body.toString().getBytes(StandardCharsets.UTF_8), noise);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
