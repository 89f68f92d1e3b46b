package com.messengerbridge.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line words, {@code --name value} options and {@code --flag}s of the bridge's tools, with the environment
 * behind them: secrets and tokens come only from the environment, never from the command line,
 * where shell history and the process list would keep them.
 */
final class Options {

    private final List<String> words = new ArrayList<>();
    private final Map<String, String> named = new LinkedHashMap<>();
    private final Map<String, String> env;

    Options(String[] args, Map<String, String> env) {
        this.env = env;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
                named.put(args[i].substring(2), flag ? "true" : args[++i]);
            } else {
                words.add(args[i]);
            }
        }
    }

    String word(int index) {
        return index < words.size() ? words.get(index) : "";
    }

    /** The option, else the environment variable, else the default. */
    String get(String option, String variable, String fallback) {
        String value = named.get(option);
        if (value == null && variable != null) {
            value = env.get(variable);
        }
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    String require(String option, String variable) {
        String value = get(option, variable, null);
        if (value == null) {
            throw new UsageException("missing " + (option == null ? "" : "--" + option)
                    + (option != null && variable != null ? " or " : "") + (variable == null ? "" : variable));
        }
        return value;
    }

    /** A secret: from the environment only. */
    String secret(String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new UsageException("set " + variable + " in the environment");
        }
        return value.strip();
    }

    Map<String, String> named() {
        return named;
    }

    /** A wrong command line: the tool prints this and its usage, and exits with 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
