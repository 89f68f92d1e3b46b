package com.messengerbridge.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutedFieldsTest {

    @TempDir
    Path folder;

    @Test
    void theShippedTableQueuesEveryMessengerFieldAndStandby() throws Exception {
        assertThat(RoutedFields.of(RoutedFields.DEFAULT_TABLE)).hasSize(20).contains("messages", "message_echoes",
                "message_reads", "messaging_postbacks", "messaging_handovers", "send_cart", "standby");
    }

    @Test
    void aFieldWhoseLineSaysNoneIsNotRouted() throws Exception {
        Path edited = folder.resolve("event-routing.camel.yaml");
        String table = Files.readString(RoutedFields.DEFAULT_TABLE);
        String postbacks = "steps: [ { setProperty: { name: queue, constant: messaging_postbacks } } ]";
        assertThat(table).contains(postbacks);
        Files.writeString(edited, table.replace(postbacks, "steps: [ { setProperty: { name: queue, constant: none } } ]"));

        assertThat(RoutedFields.of(edited)).doesNotContain("messaging_postbacks").contains("messages");
    }
}
