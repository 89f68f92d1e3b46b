package com.messengerbridge.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.camel.spi.LoadablePropertiesSource;

/**
 * The {@code SINK_HTTP_<TYPE>} variables, whose names only the user knows, as the
 * {@code sink.http.*} properties they stand for: a source of Camel's properties component, so the
 * sinks are read through Camel's property resolution like every other setting.
 * {@code SINK_HTTP_MESSAGING_POSTBACKS_CONCURRENCY} is {@code sink.http.messaging_postbacks.concurrency};
 * {@code SINK_HTTP_MAX_ATTEMPTS} is {@code sink.http.max-attempts}.
 */
final class SinkVariables implements LoadablePropertiesSource {

    static final String PREFIX = "sink.http.";
    /** Settings of all sinks, which are not sinks themselves. */
    static final Set<String> SHARED = Set.of("secret", "max-attempts", "retry-delay-ms", "max-retry-delay-ms",
            "timeout-ms");
    private static final String VARIABLE_PREFIX = "SINK_HTTP_";

    private final Properties properties = new Properties();

    SinkVariables(Map<String, String> environment) {
        environment.forEach((variable, value) -> {
            if (variable.startsWith(VARIABLE_PREFIX)) {
                properties.setProperty(PREFIX + key(variable.substring(VARIABLE_PREFIX.length())), value);
            }
        });
    }

    /** This process's variables. */
    static SinkVariables ofProcess() {
        return new SinkVariables(System.getenv());
    }

    private static String key(String variableTail) {
        String name = variableTail.toLowerCase(Locale.ROOT).replaceAll("_(concurrency|secret)$", ".$1");
        String shared = name.replace('_', '-');
        return SHARED.contains(shared) ? shared : name;
    }

    @Override
    public String getName() {
        return "sink-variables";
    }

    @Override
    public String getProperty(String name) {
        return properties.getProperty(name);
    }

    @Override
    public Properties loadProperties() {
        return loadProperties(key -> true);
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        Properties loaded = new Properties();
        properties.stringPropertyNames().stream().filter(filter)
                .forEach(key -> loaded.setProperty(key, properties.getProperty(key)));
        return loaded;
    }

    @Override
    public void reloadProperties(String location) {
        // the environment of a running process does not change
    }
}
