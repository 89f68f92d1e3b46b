package com.messengerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/testing.md names the integration tests of the quick tier: exactly those not tagged for the full run. */
class TestTiersTest {

    private static final Path IT_SOURCES = Path.of("src/test/java/com/messengerbridge/it");
    private static final Pattern IT_NAME = Pattern.compile("`(\\w+IT)`");

    @Test
    void theQuickTierOnThePageIsTheQuickTierOfTheBuild() throws IOException {
        String page = Files.readString(Path.of("docs/testing.md")).replaceAll("\\s+", " ");
        int start = page.indexOf("the quick tier of integration tests:");
        assertThat(start).as("docs/testing.md describes the quick tier").isNotNegative();
        String paragraph = page.substring(start, page.indexOf("The tests tagged", start));
        Set<String> named = new TreeSet<>();
        for (Matcher it = IT_NAME.matcher(paragraph); it.find(); ) {
            named.add(it.group(1));
        }

        Set<String> quick = new TreeSet<>();
        try (Stream<Path> sources = Files.list(IT_SOURCES)) {
            for (Path source : sources.filter(file -> file.getFileName().toString().endsWith("IT.java")).toList()) {
                if (!Files.readString(source).contains("@Tag(Tiers.FULL)")) {
                    quick.add(source.getFileName().toString().replace(".java", ""));
                }
            }
        }
        assertThat(quick).as("integration tests of the quick tier").hasSizeGreaterThan(3);
        assertThat(named).isEqualTo(quick);
    }
}
