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

    /** Camel evaluates each line: a test worded another way still counts, a field without a line is parked, not routed. */
    @Test
    void aLineMeansWhatCamelMakesOfItHoweverItIsWorded() throws Exception {
        Path edited = folder.resolve("event-routing.camel.yaml");
        String table = Files.readString(RoutedFields.DEFAULT_TABLE);
        String postbacks = "\"${header.metaField} == 'messaging_postbacks'\",";
        String reads = "- { simple: \"${header.metaField} == 'message_reads'\",";
        assertThat(table).containsOnlyOnce(postbacks).containsOnlyOnce(reads);
        Files.writeString(edited, table.replace(postbacks, "\"${header.metaField} in 'messaging_postbacks,unused'\",")
                .replace(reads, "# " + reads));

        assertThat(RoutedFields.of(edited)).contains("messaging_postbacks", "standby").doesNotContain("message_reads")
                .hasSize(19);
    }
}
