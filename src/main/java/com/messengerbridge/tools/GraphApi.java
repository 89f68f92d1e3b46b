package com.messengerbridge.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Graph API calls of the last steps of Meta's webhook guide: subscribe a Page to webhook fields, list
 * what it is subscribed to, and set the app's callback. Tokens travel as the {@code access_token}
 * parameter, as in Meta's examples, and are never printed or logged.
 */
public final class GraphApi {

    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    public static final String DEFAULT_VERSION = "v23.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public GraphApi(String baseUrl, String version) {
        if (!version.matches("v[0-9]{1,3}\\.[0-9]{1,3}")) {
            throw new IllegalArgumentException("GRAPH_API_VERSION must look like v23.0");
        }
        this.base = URI.create(baseUrl.replaceAll("/+$", "")) + "/" + version;
    }

    /**
     * Meta's ids are numbers. Anything else is refused here, without echoing it: a malformed id
     * would make a URL that fails to parse, and the parser's message quotes the whole URL, token
     * included, into the log.
     */
    static String id(String setting, String value) {
        if (value == null || !value.matches("[0-9]{1,32}")) {
            throw new IllegalArgumentException(setting + " must be a numeric Meta id");
        }
        return value;
    }

    /** {@code POST /<page-id>/subscribed_apps}: the Page sends these fields to the app of the token. */
    public JsonNode subscribePage(String pageId, String pageToken, Collection<String> fields) throws IOException {
        return post("/" + id("META_PAGE_ID", pageId) + "/subscribed_apps",
                form("subscribed_fields", String.join(",", fields), "access_token", pageToken));
    }

    /** {@code GET /<page-id>/subscribed_apps}: the apps the Page sends webhooks to, with their fields. */
    public JsonNode subscribedApps(String pageId, String pageToken) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + "/" + id("META_PAGE_ID", pageId) + "/subscribed_apps?"
                + encode(form("access_token", pageToken)))).GET());
    }

    /** {@code POST /<app-id>/subscriptions}: the callback URL and verify token Meta uses for this object. */
    public JsonNode setCallback(String appId, String appSecret, String object, String callbackUrl, String verifyToken,
            Collection<String> fields) throws IOException {
        return post("/" + id("META_APP_ID", appId) + "/subscriptions", form("object", object, "callback_url", callbackUrl,
                "fields", String.join(",", fields), "verify_token", verifyToken, "include_values", "true",
                "access_token", appId + "|" + appSecret));
    }

    /** The fields the Page sends to this app (or to any app, when {@code appId} is blank). */
    public static Set<String> subscribedFields(JsonNode apps, String appId) {
        Set<String> fields = new TreeSet<>();
        for (JsonNode app : apps.path("data")) {
            if (appId == null || appId.isBlank() || appId.equals(app.path("id").asText())) {
                app.path("subscribed_fields").forEach(field -> fields.add(field.asText()));
            }
        }
        return fields;
    }

    private JsonNode post(String path, Map<String, String> form) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.timeout(Duration.ofSeconds(15)).build();
        HttpResponse<String> response;
        try {
            response = client.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException notJson) {
            throw new GraphException(built.method() + " " + built.uri().getPath() + " answered "
                    + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() != 200 || body.has("error")) {
            throw new GraphException(built.method() + " " + built.uri().getPath() + " answered "
                    + response.statusCode() + ": " + body.path("error").path("message").asText("(no message)"));
        }
        return body;
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** A call the Graph API refused; the message is Meta's, without the request's tokens. */
    public static final class GraphException extends IOException {
        GraphException(String message) {
            super(message);
        }
    }
}
