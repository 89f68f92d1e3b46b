package com.messengerbridge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EventViewerTest {

    private static final String PAGE = "104851209876543";

    @Test
    void masksUserIdsAndTextsButNotThePageOrTheIds() {
        String masked = EventViewer.mask("{\"sender\":{\"id\":\"7012345678901234\"},\"recipient\":{\"id\":\"" + PAGE
                + "\"},\"timestamp\":1,\"message\":{\"mid\":\"m_1\",\"text\":\"hello there\"}}", PAGE);

        assertThat(masked).contains("\"id\":\"****1234\"").contains("\"id\":\"" + PAGE + "\"")
                .contains("\"mid\":\"m_1\"").contains("(11 characters, masked)")
                .doesNotContain("7012345678901234").doesNotContain("hello there");
    }

    @Test
    void masksCommentAuthorsAndCheckboxUserRefs() {
        String comment = EventViewer.mask("{\"field\":\"comments\",\"value\":{\"from\":{\"id\":\"17841400000000001\","
                + "\"username\":\"someone\"},\"text\":\"nice\"}}", PAGE);
        String optin = EventViewer.mask("{\"recipient\":{\"id\":\"" + PAGE + "\"},\"optin\":{\"user_ref\":\"ref-9\"}}",
                PAGE);

        assertThat(comment).doesNotContain("17841400000000001").doesNotContain("someone").doesNotContain("nice");
        assertThat(optin).doesNotContain("ref-9");
    }

    @Test
    void keepsOnlyTheLatestAndHandsOutWhatCameAfter() {
        EventViewer viewer = new EventViewer("0123456789abcdef", 2);
        for (int i = 1; i <= 3; i++) {
            viewer.stored(Map.of("metaObject", "page", "metaEntryId", PAGE, "metaField", "messages", "metaMid", "m_" + i),
                    "{\"message\":{\"mid\":\"m_" + i + "\"}}");
        }

        assertThat(viewer.after(0, false)).extracting(EventViewer.Shown::mid).containsExactly("m_2", "m_3");
        assertThat(viewer.after(2, false)).extracting(EventViewer.Shown::mid).containsExactly("m_3");
    }

    @Test
    void acceptsOnlyItsToken() {
        EventViewer viewer = new EventViewer("0123456789abcdef", 2);

        assertThat(viewer.accepts("0123456789abcdef")).isTrue();
        assertThat(viewer.accepts("0123456789abcdeF")).isFalse();
        assertThat(viewer.accepts(null)).isFalse();
    }
}
