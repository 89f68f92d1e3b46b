package com.messengerbridge.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The project's documentation: the README, the pages under docs/, and the benchmark's page. */
final class Documentation {

    private Documentation() {
    }

    static List<Path> pages() throws IOException {
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            return Stream.concat(Stream.of(Path.of("README.md"), Path.of("bench/README.md")),
                    docs.filter(page -> page.toString().endsWith(".md")).sorted()).toList();
        }
    }

    /** Every page, one after another. */
    static String text() throws IOException {
        return pages().stream().map(Documentation::read).collect(Collectors.joining("\n"));
    }

    static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
