package com.messengerbridge.tools;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A local stand-in for graph.facebook.com that checks what it is sent as the Graph API would: the
 * version in the path, the token of the right kind for each edge, the fields. It keeps the Page's
 * subscriptions, so a subscribe followed by a list reads back what was stored. No traffic leaves
 * the machine.
 */
public final class FakeGraphApi implements AutoCloseable {

    public static final String VERSION = "v23.0";
    public static final String PAGE_ID = "100000000000001";
    public static final String PAGE_TOKEN = "page-token-for-tests";
    public static final String APP_ID = "4400000000000001";
    public static final String APP_SECRET = "app-secret-for-tests";

    /** One request as the fake saw it: method, path, and its parameters (query and form). */
    public record Call(String method, String path, Map<String, String> parameters) {
    }

    private final HttpServer server;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> pageFields = Collections.synchronizedSet(new TreeSet<>());
    private final Map<String, String> callback = new LinkedHashMap<>();

    public FakeGraphApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public Set<String> pageFields() {
        return Set.copyOf(pageFields);
    }

    public void subscribePage(String... fields) {
        pageFields.addAll(List.of(fields));
    }

    public Map<String, String> callback() {
        synchronized (callback) {
            return Map.copyOf(callback);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>(parse(exchange.getRequestURI().getRawQuery()));
        parameters.putAll(parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        calls.add(new Call(method, path, parameters));
        String token = parameters.get("access_token");
        int status = 200;
        String body;
        if (!path.startsWith("/" + VERSION + "/")) {
            status = 400;
            body = error("Unknown path components: " + path, 2500);
        } else if (path.equals("/" + VERSION + "/" + PAGE_ID + "/subscribed_apps")) {
            if (!PAGE_TOKEN.equals(token)) {
                status = 400;
                body = error("Invalid OAuth access token - Cannot parse access token", 190);
            } else if (method.equals("POST")) {
                String fields = parameters.getOrDefault("subscribed_fields", "");
                if (fields.isBlank()) {
                    status = 400;
                    body = error("(#100) The parameter subscribed_fields is required", 100);
                } else {
                    pageFields.clear();
                    pageFields.addAll(List.of(fields.split(",")));
                    body = "{\"success\":true}";
                }
            } else {
                body = pageFields.isEmpty() ? "{\"data\":[]}"
                        : "{\"data\":[{\"category\":\"Business\",\"link\":\"https://example.org/app\",\"name\":"
                                + "\"My Sample App\",\"id\":\"" + APP_ID + "\",\"subscribed_fields\":["
                                + String.join(",", pageFields.stream().map(f -> "\"" + f + "\"").toList()) + "]}]}";
            }
        } else if (path.equals("/" + VERSION + "/" + APP_ID + "/subscriptions") && method.equals("POST")) {
            if (!(APP_ID + "|" + APP_SECRET).equals(token)) {
                status = 400;
                body = error("Invalid OAuth access token signature.", 190);
            } else {
                synchronized (callback) {
                    callback.clear();
                    callback.putAll(parameters);
                    callback.remove("access_token");
                }
                body = "{\"success\":true}";
            }
        } else {
            status = 400;
            body = error("Unsupported " + method + " request.", 100);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String error(String message, int code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":" + code + "}}";
    }

    private static Map<String, String> parse(String encoded) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (encoded != null && !encoded.isBlank()) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
