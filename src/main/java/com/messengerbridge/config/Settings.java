package com.messengerbridge.config;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.util.URISupport;

/** This bridge's keys, read through Camel's properties (application.properties, settings files, environment). */
record Settings(CamelContext context) {

    String get(String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}").strip();
    }

    int integer(String key) {
        return Integer.parseInt(get(key));
    }

    long number(String key) {
        return Long.parseLong(get(key));
    }

    List<String> list(String key) {
        return items(get(key));
    }

    /** A comma-separated value as its items, blanks dropped. */
    static List<String> items(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A URL as the log may show it: passwords, tokens and secrets in it masked by Camel's own rules. */
    static String loggable(String url) {
        return URISupport.sanitizeUri(url);
    }

    /** A bean another configuration bound before this one runs. */
    <T> T bean(String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("no bean " + name + ": its configuration must run first");
        }
        return bean;
    }
}
