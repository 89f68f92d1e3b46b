package com.messengerbridge.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code subscribe}: the last steps of Meta's webhook guide, against the Graph API. Subscribes a Page to the
 * fields the routing table queues, lists what it is subscribed to, and sets the app's callback URL
 * and verify token. Ids come from options or the environment, tokens and secrets only from the
 * environment.
 */
public final class Subscribe {

    static final String USAGE = """
            usage: subscribe <command> [options]
              fields                             the fields routes/event-routing.camel.yaml queues
              page     [--page-id ID] [--fields a,b]
                                                 subscribe the Page to them (default: the routed fields)
              list     [--page-id ID] [--app-id ID]
                                                 the Page's subscribed fields, and routed fields missing
              callback --callback-url URL [--app-id ID] [--object page|instagram] [--fields a,b]
                                                 set the app's callback URL and verify token
            options: --routes FILE (routes/event-routing.camel.yaml), --graph-url URL (GRAPH_API_BASE_URL,
              https://graph.facebook.com), --graph-version V (GRAPH_API_VERSION, v23.0)
            environment: META_PAGE_ID, META_PAGE_ACCESS_TOKEN, META_APP_ID, META_APP_SECRET, META_VERIFY_TOKEN
            """;

    private Subscribe() {
    }

    public static void main(String... args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** @return the exit status: 0 done, 1 the Graph API refused or could not be reached, 2 a wrong command line */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        try {
            Options options = new Options(args, env);
            Set<String> routed = RoutedFields.of(Path.of(options.get("routes", null,
                    RoutedFields.DEFAULT_TABLE.toString())));
            GraphApi graph = new GraphApi(options.get("graph-url", "GRAPH_API_BASE_URL", GraphApi.DEFAULT_BASE_URL),
                    options.get("graph-version", "GRAPH_API_VERSION", GraphApi.DEFAULT_VERSION));
            switch (options.word(0)) {
                case "fields" -> out.println(String.join(",", routed));
                case "page" -> {
                    String pageId = options.require("page-id", "META_PAGE_ID");
                    Set<String> fields = fields(options, routed);
                    graph.subscribePage(pageId, options.secret("META_PAGE_ACCESS_TOKEN"), fields);
                    out.println("Page " + pageId + " subscribed to " + String.join(",", fields));
                }
                case "list" -> {
                    String pageId = options.require("page-id", "META_PAGE_ID");
                    JsonNode apps = graph.subscribedApps(pageId, options.secret("META_PAGE_ACCESS_TOKEN"));
                    if (apps.path("data").isEmpty()) {
                        out.println("Page " + pageId + " sends webhooks to no app");
                    }
                    for (JsonNode app : apps.path("data")) {
                        out.println(app.path("id").asText() + " " + app.path("name").asText() + ": "
                                + String.join(",", GraphApi.subscribedFields(apps, app.path("id").asText())));
                    }
                    Set<String> missing = new TreeSet<>(routed);
                    missing.removeAll(GraphApi.subscribedFields(apps, options.get("app-id", "META_APP_ID", null)));
                    out.println(missing.isEmpty() ? "every routed field is subscribed"
                            : "routed but not subscribed: " + String.join(",", missing));
                }
                case "callback" -> {
                    String appId = options.require("app-id", "META_APP_ID");
                    String object = options.get("object", null, "page");
                    String url = options.require("callback-url", null);
                    Set<String> fields = fields(options, routed);
                    graph.setCallback(appId, firstSecret(options.secret("META_APP_SECRET")), object, url,
                            options.secret("META_VERIFY_TOKEN"), fields);
                    out.println("app " + appId + " sends " + object + " webhooks to " + url + " for "
                            + String.join(",", fields) + " (Meta verifies the URL with a GET first)");
                }
                default -> throw new Options.UsageException(options.word(0).isEmpty() ? "no command"
                        : "unknown command " + options.word(0));
            }
            return 0;
        } catch (Options.UsageException wrong) {
            out.println(wrong.getMessage());
            out.print(USAGE);
            return 2;
        } catch (IOException failed) {
            out.println("failed: " + failed.getMessage());
            return 1;
        } catch (IllegalArgumentException misconfigured) {
            // a malformed id or version: the message names the setting, never its value
            out.println(misconfigured.getMessage());
            return 2;
        }
    }

    private static Set<String> fields(Options options, Set<String> routed) {
        String listed = options.get("fields", null, null);
        return listed == null ? routed : new TreeSet<>(Arrays.asList(listed.split("\\s*,\\s*")));
    }

    /** META_APP_SECRET may list several during a rotation: the first is the current one. */
    private static String firstSecret(String secrets) {
        return secrets.split(",")[0].strip();
    }
}
