package com.messengerbridge.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The environment variables the bridge reads, with their defaults, as its own files declare them. */
final class Settings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+):([^}]*)}}");
    private static final Pattern LOG4J = Pattern.compile("\\$\\{env:([A-Z0-9_]+):-([^}]*)}");

    private Settings() {
    }

    private static Map<String, String> declared;

    /** Variable name to default ("" when empty), from application.properties and log4j2.properties. */
    static synchronized Map<String, String> declared() throws IOException {
        if (declared != null) {
            return declared;
        }
        Map<String, String> settings = new TreeMap<>();
        collect(PLACEHOLDER, Files.readString(Path.of("src/main/resources/application.properties")), settings);
        collect(LOG4J, Files.readString(Path.of("src/main/resources/log4j2.properties")), settings);
        declared = Map.copyOf(settings);
        return declared;
    }

    private static void collect(Pattern pattern, String text, Map<String, String> settings) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            settings.put(matcher.group(1), matcher.group(2));
        }
    }

    /** Whether the bridge reads this variable: a declared one, or an HTTP sink's. */
    static boolean known(String variable) throws IOException {
        return declared().containsKey(variable) || variable.matches("SINK_HTTP_[A-Z0-9_]+")
                // read by the start script, not by the bridge's properties
                || Files.readString(Path.of("bin/messenger-bridge")).contains("${" + variable);
    }
}
