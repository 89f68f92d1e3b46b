package com.messengerbridge.config;

import com.messengerbridge.sink.HttpSinks;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Finds the configured HTTP sinks: {@code sink.http.<type>=<url>} (or {@code SINK_HTTP_<TYPE>}, see
 * {@link SinkVariables}), with optional {@code .concurrency} and {@code .secret} beside it.
 */
final class HttpSinkSettings {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9_-]{1,64}");

    private HttpSinkSettings() {
    }

    /**
     * A sink URL's query goes to Camel's HTTP endpoint first: a Camel option there
     * ({@code followRedirects}, {@code transferException}, ...) would change how the bridge calls
     * the sink instead of reaching the service. Refused at start.
     */
    static void refuseCamelOptions(HttpSinks.Sink sink, Set<String> camelOptions) {
        String query = java.net.URI.create(sink.url()).getRawQuery();
        if (query == null) {
            return;
        }
        for (String parameter : query.split("&")) {
            String name = java.net.URLDecoder.decode(parameter.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8);
            if (camelOptions.stream().anyMatch(name::equalsIgnoreCase)) {
                throw new IllegalArgumentException("HTTP sink for " + sink.type() + ": '" + name + "' in its URL is an"
                        + " option of Camel's HTTP client, not a parameter of your service; remove it from the URL");
            }
        }
    }

    /** The sinks among the {@code sink.http.*} settings, whichever source set them. */
    static Map<String, HttpSinks.Sink> read(Map<String, ?> properties) {
        Map<String, String> settings = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(SinkVariables.PREFIX)) {
                settings.put(key.substring(SinkVariables.PREFIX.length()), String.valueOf(value));
            }
        });
        Map<String, HttpSinks.Sink> sinks = new TreeMap<>();
        settings.forEach((name, url) -> {
            if (name.contains(".") || SinkVariables.SHARED.contains(name) || url.isBlank()) {
                return;
            }
            if (!TYPE.matcher(name).matches()) {
                throw new IllegalArgumentException("HTTP sink type '" + name + "' is not a plain event type name");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException("HTTP sink for " + name + " needs an http:// or https:// URL");
            }
            int concurrency = Integer.parseInt(settings.getOrDefault(name + ".concurrency", "1").strip());
            if (concurrency < 1) {
                throw new IllegalArgumentException("HTTP sink for " + name + ": concurrency must be at least 1");
            }
            sinks.put(name, new HttpSinks.Sink(name, url.strip(), concurrency, settings.getOrDefault(name + ".secret", "")));
        });
        return sinks;
    }
}
