package com.messengerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings table (docs/configuration.md) is the users' reference: every key the bridge reads, with its default. */
class SettingsTableTest {

    @Test
    void everySettingIsInTheTableWithItsDefault() throws Exception {
        List<String> rows = tableRows();

        for (Map.Entry<String, String> setting : Settings.declared().entrySet()) {
            String name = setting.getKey();
            List<String> row = rows.stream().filter(line -> line.split("\\|")[1].contains("`" + name + "`")).toList();
            assertThat(row).as("a row for %s", name).hasSize(1);
            String defaults = row.get(0).split("\\|")[2];
            if (setting.getValue().isBlank()) {
                assertThat(defaults).as("the default of %s", name).containsAnyOf("empty", "none", "(required)");
            } else {
                assertThat(defaults).as("the default of %s", name).contains("`" + setting.getValue() + "`");
            }
        }
    }

    @Test
    void theTableListsNothingTheBridgeDoesNotRead() throws Exception {
        tableRows().forEach(line -> {
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("`([A-Z][A-Z0-9_<>]+)`")
                    .matcher(line.split("\\|")[1]);
            while (names.find()) {
                String name = names.group(1).replace("<TYPE>", "MESSAGES");
                try {
                    assertThat(Settings.known(name) || name.startsWith("CAMEL_MAIN_")).as(name).isTrue();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /** One name per setting: its environment variable is its key in upper case, dots and dashes as underscores. */
    @Test
    void eachVariableIsItsKeyInUpperCase() throws Exception {
        java.util.regex.Matcher lines = java.util.regex.Pattern.compile("(?m)^([a-z0-9.-]+)=\\{\\{env:([A-Z0-9_]+):")
                .matcher(Files.readString(Path.of("src/main/resources/application.properties")));
        int settings = 0;
        while (lines.find()) {
            settings++;
            assertThat(lines.group(2)).as("the variable of %s", lines.group(1))
                    .isEqualTo(lines.group(1).toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        assertThat(settings).isEqualTo(Settings.declared().size() - 1); // WEBHOOK_LOG_LEVEL is log4j's
    }

    /** The rows of the settings table. */
    private static List<String> tableRows() throws java.io.IOException {
        return Files.readString(Path.of("docs/configuration.md")).lines()
                .filter(line -> line.startsWith("| `")).toList();
    }
}
