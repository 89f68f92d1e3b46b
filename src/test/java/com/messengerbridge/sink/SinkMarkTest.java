package com.messengerbridge.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SinkMarkTest {

    private static final String BODY = "{\"message\":{\"mid\":\"m_1\",\"text\":\"hello\"}}";
    private final SinkMark marks = new SinkMark(List.of("new-secret", "old-secret"));
    private final Map<String, Object> properties = new HashMap<>(Map.of("metaObject", "page", "metaField", "messages",
            "metaEntryId", "1234", "metaMid", "m_1", "_AMQ_DUPL_ID", "page:messages:m_1"));

    @Test
    void aMarkHoldsForItsEventAndSink() {
        String mark = marks.of("messages", properties::get, BODY);

        assertThat(mark).hasSize(64).isEqualTo(marks.of("messages", properties::get, BODY));
        assertThat(marks.isValid("messages", properties::get, BODY, mark)).isTrue();
        assertThat(marks.isValid("messages", properties::get, BODY + " ", mark)).as("another body").isFalse();
        assertThat(marks.isValid("message_reads", properties::get, BODY, mark)).as("another sink").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"metaObject", "metaField", "metaEntryId", "metaMid", "metaStandby", "_AMQ_DUPL_ID"})
    void changingWhatSteersTheSinkRequestBreaksTheMark(String property) {
        String mark = marks.of("messages", properties::get, BODY);

        properties.put(property, "forged");

        assertThat(marks.isValid("messages", properties::get, BODY, mark)).isFalse();
    }

    @Test
    void aDeadLetteredEventKeepsItsMarkWithItsKeyMoved() {
        String mark = marks.of("messages", properties::get, BODY);

        properties.put(SinkRequest.IDEMPOTENCY_PROPERTY, properties.remove("_AMQ_DUPL_ID"));

        assertThat(marks.isValid("messages", properties::get, BODY, mark)).isTrue();
    }

    @Test
    void anAbsentPropertyIsNotAnEmptyOne() {
        String mark = marks.of("messages", properties::get, BODY);

        properties.put("metaStandby", "");

        assertThat(marks.isValid("messages", properties::get, BODY, mark)).isFalse();
    }

    @Test
    void duringARotationMarksOfTheOldSecretHoldUntilItIsRemoved() {
        String oldMark = new SinkMark(List.of("old-secret")).of("messages", properties::get, BODY);

        assertThat(marks.isValid("messages", properties::get, BODY, oldMark)).isTrue();
        assertThat(new SinkMark(List.of("new-secret")).isValid("messages", properties::get, BODY, oldMark)).isFalse();
        assertThat(new SinkMark(List.of("new-secret")).of("messages", properties::get, BODY))
                .isEqualTo(marks.of("messages", properties::get, BODY));
    }

    @Test
    void withoutASecretMarksStillWork() {
        SinkMark unkeyed = new SinkMark(List.of());

        assertThat(unkeyed.isValid("messages", properties::get, BODY, unkeyed.of("messages", properties::get, BODY)))
                .isTrue();
        assertThat(marks.isValid("messages", properties::get, BODY, unkeyed.of("messages", properties::get, BODY)))
                .isFalse();
    }

    @Test
    void garbageIsNoMark() {
        for (Object garbage : new Object[] {null, "", "zz".repeat(32), "0".repeat(64), "0".repeat(63), 42}) {
            assertThat(marks.isValid("messages", properties::get, BODY, garbage)).as("%s", garbage).isFalse();
        }
    }
}
