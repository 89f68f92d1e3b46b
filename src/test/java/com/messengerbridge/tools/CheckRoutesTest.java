package com.messengerbridge.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code check-routes} on the bridge's routes and on copies broken the ways an edit breaks them:
 * each fault on one line with its file and the line of the fault, exit 1; warnings exit 0.
 */
class CheckRoutesTest {

    private static final String TABLE = "event-routing.camel.yaml";
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void theBridgesRoutesLoad() {
        assertThat(run("routes")).isZero();
        assertThat(printed()).isEqualTo("check-routes: routes OK\n");
    }

    /** Each kind of broken edit: what it replaces, with what, the text on the line Camel reports, and the fault. */
    static Stream<Arguments> brokenEdits() {
        return Stream.of(
                Arguments.of("YAML syntax", "            when:\n              # the echo guard",
                        "           when:\n              # the echo guard", "otherwise:", "while parsing a block mapping"),
                Arguments.of("unknown step", "        - filter:", "        - filtr:", "- filtr:", "Unknown node id: filtr"),
                Arguments.of("unknown scheme", "                - bean:\n                    ref: eventStore\n"
                        + "                    method: add\n        # events",
                        "                - to: \"jmss:queue:x\"\n        # events", "jmss:queue:x",
                        "No endpoint could be found for: jmss://queue:x"),
                Arguments.of("Simple syntax", "${header.metaField} == 'messages'", "${header.metaField == 'messages'",
                        "${header.metaField == 'messages'", "Simple syntax: expected symbol functionEnd"),
                Arguments.of("bean that is not there", "- bean:\n                      ref: bridgeMetrics",
                        "- bean:\n                      ref: bridgeMetricz", "- bean:",
                        "No bean could be found in the registry for: bridgeMetricz"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEdits")
    void aBrokenEditIsOneErrorWithItsFileAndLine(String kind, String from, String to, String lineShowing, String fault)
            throws IOException {
        Path routes = brokenCopy(kind, from, to);
        String edited = Files.readString(routes.resolve(TABLE));

        assertThat(run(routes.toString())).isEqualTo(1);
        List<String> lines = printed().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("ERROR " + routes.resolve(TABLE) + ":" + lineOf(edited, lineShowing, to) + ": ")
                .contains(fault);
        assertThat(lines.get(1)).isEqualTo("check-routes: " + routes + ": 1 error(s)");
    }

    @Test
    void warnsAboutAQueueThatIsNotAPlainNameAndATableThatNoLongerParksUnknownFields() throws IOException {
        Path routes = brokenCopy("warnings", "constant: message_reads }", "constant: reads.all }");
        Path table = routes.resolve(TABLE);
        Files.writeString(table, Files.readString(table).replace("{ name: queue, constant: unrouted }", "{ name: queue, constant: none }"));

        assertThat(run(routes.toString())).isZero();
        assertThat(printed()).contains("WARN  " + table + ":" + lineOf(Files.readString(table), "reads.all", "")
                        + ": queue 'reads.all' is not a plain name")
                .contains("the routing table's otherwise no longer sets queue unrouted")
                .endsWith("check-routes: " + routes + " OK\n");
    }

    @Test
    void aMissingDirectoryOrAnOptionIsAnError() {
        assertThat(run("target/no-such-routes")).isEqualTo(1);
        assertThat(run("--help")).isEqualTo(2);
        assertThat(printed()).contains("target/no-such-routes is not a directory").contains(CheckRoutes.USAGE);
    }

    private int run(String... args) {
        return CheckRoutes.run(args, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** A copy of routes/ with one replacement in the routing table, which must apply exactly once. */
    private static Path brokenCopy(String name, String from, String to) throws IOException {
        Path routes = Path.of("target/check-routes", name.replace(' ', '-'));
        if (Files.exists(routes)) {
            try (var old = Files.walk(routes)) {
                old.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(routes);
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Path table = routes.resolve(TABLE);
        String original = Files.readString(table);
        assertThat(original).as("the edit applies once").containsOnlyOnce(from);
        Files.writeString(table, original.replace(from, to));
        return routes;
    }

    /** The 1-based line holding {@code text}, the first at or after the edited text. */
    private static int lineOf(String file, String text, String edit) {
        List<String> lines = file.lines().toList();
        int from = edit.isEmpty() ? 0 : Math.max(0, firstLine(lines, edit.lines().findFirst().orElseThrow().strip()));
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(text.strip())) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the edited file");
    }

    private static int firstLine(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
