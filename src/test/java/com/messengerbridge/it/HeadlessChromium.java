package com.messengerbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven over the DevTools protocol from the JDK's own WebSocket
 * client: navigate, run JavaScript in the page, wait for what it shows. A real browser, so the
 * page's script, fetch and DOM are the ones users get.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://([^/]+)/");

    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket page) {
        this.process = process;
        this.page = page;
    }

    static HeadlessChromium start(Path profile) throws Exception {
        Process process = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0",
                "--user-data-dir=" + profile.toAbsolutePath(), "about:blank").redirectOutput(
                        ProcessBuilder.Redirect.DISCARD).start();
        String devTools = null;
        BufferedReader errors = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plusSeconds(60);
        while (devTools == null) {
            String line = errors.readLine();
            if (line == null || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not start (is Debian's chromium package installed?)");
            }
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
                devTools = listening.group(1);
            }
        }
        Thread drain = new Thread(() -> errors.lines().forEach(line -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + devTools
                + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String pageSocket = null;
        for (JsonNode target : targets) {
            if ("page".equals(target.path("type").asText())) {
                pageSocket = target.path("webSocketDebuggerUrl").asText();
            }
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium has no page to drive");
        }
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder frame = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    self[0].receive(frame.toString());
                    frame.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(process, socket);
        self[0].call("Page.enable", JSON.createObjectNode());
        return self[0];
    }

    private void receive(String message) {
        try {
            JsonNode reply = JSON.readTree(message);
            if (reply.has("id")) {
                CompletableFuture<JsonNode> waiting = pending.remove(reply.get("id").asInt());
                if (waiting != null) {
                    waiting.complete(reply);
                }
            }
        } catch (IOException ignored) {
            // events the test does not ask for
        }
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
        request.set("params", params);
        page.sendText(request.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode answer = reply.get(30, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + ": " + answer.get("error"));
        }
        return answer.path("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** Lays the page out as a screen of this size would: a laptop's, a phone's. */
    void viewport(int width, int height, boolean mobile) throws Exception {
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
    }

    /** Saves what the page shows as a PNG. */
    void screenshot(Path file) throws Exception {
        String png = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")).path("data").asText();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, java.util.Base64.getDecoder().decode(png));
    }

    /** Runs the expression in the page and returns its value as text. */
    String evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true)).path("result");
        return result.path("value").asText();
    }

    /** Waits until the expression is true in the page; fails with what the page shows otherwise. */
    void await(String expression, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!"true".equals(evaluate("String(" + expression + ")"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("never true in the page: " + expression + "\nthe page shows:\n"
                        + evaluate("document.body ? document.body.innerText : ''"));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        page.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
