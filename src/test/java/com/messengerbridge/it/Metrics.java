package com.messengerbridge.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of the bridge's {@code /observe/metrics}, read as Prometheus reads it. */
record Metrics(Map<String, Double> series) {

    static Metrics scrape(int managementPort) throws Exception {
        HttpResponse<String> response = ManagementClient.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/observe/metrics answered " + response.statusCode());
        }
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(normalized(line.substring(0, space)), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new Metrics(series);
    }

    /** Scrapes until the check holds (meters count a moment after the effect they count), or fails. */
    static Metrics await(int managementPort, java.util.function.Predicate<Metrics> check) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        Metrics metrics = scrape(managementPort);
        while (!check.test(metrics)) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("metrics never showed what was expected; last scrape: " + metrics.series);
            }
            Thread.sleep(100);
            metrics = scrape(managementPort);
        }
        return metrics;
    }

    /** The value of one series, 0 when it does not exist yet; labels as name, value, name, value... */
    double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return series.getOrDefault(key(name, wanted), 0.0);
    }

    boolean has(String namePrefix) {
        return series.keySet().stream().anyMatch(key -> key.startsWith(namePrefix));
    }

    /** Whether a series of this meter has this label with this value. */
    boolean has(String name, String label, String value) {
        String pair = label + "=\"" + value + "\",";
        // a whole label: right after the brace or after the previous label's comma
        return series.keySet().stream().anyMatch(key -> key.startsWith(name + "{")
                && (key.startsWith(name + "{" + pair) || key.contains("\"," + pair)));
    }

    /** name{a="1",b="2"} with the labels sorted, whatever order the exporter wrote them in. */
    private static String normalized(String series) {
        int brace = series.indexOf('{');
        if (brace < 0) {
            return series.strip();
        }
        Map<String, String> labels = new TreeMap<>();
        for (String pair : series.substring(brace + 1, series.lastIndexOf('}')).split("\",")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 2).replaceAll("\"$", ""));
            }
        }
        return key(series.substring(0, brace), labels);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
        return key.append('}').toString();
    }
}
