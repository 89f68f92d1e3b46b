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

    /** Masked unless known to be harmless: the fields no rule named before are masked too. */
    @Test
    void masksEveryTextButTheKnownHarmlessOnes() {
        String payment = EventViewer.mask("{\"sender\":{\"id\":\"7012345678901234\"},\"payment\":{\"payload\":\"order-77\","
                + "\"requested_user_info\":{\"shipping_address\":{\"street_1\":\"1 Hacker Way\"},\"contact_name\":"
                + "\"Pat Doe\",\"contact_email\":\"pat@example.com\"},\"payment_credential\":{\"provider_type\":"
                + "\"stripe\",\"charge_id\":\"ch_1\"},\"amount\":{\"currency\":\"USD\",\"amount\":\"29.62\"}}}", PAGE);
        String attachment = EventViewer.mask("{\"message\":{\"mid\":\"m_2\",\"attachments\":[{\"type\":\"image\","
                + "\"payload\":{\"url\":\"https://cdn.example/secret.jpg\"}}],\"quick_reply\":{\"payload\":\"Y\"}},"
                + "\"account_linking\":{\"authorization_code\":\"code-1\"},\"optin\":{\"notification_messages_token\":"
                + "\"tok-1\"},\"from\":{\"name\":\"Pat Doe\"},\"tags\":[\"vip\"]}", PAGE);

        assertThat(payment).doesNotContain("1 Hacker Way").doesNotContain("Pat Doe").doesNotContain("pat@example.com")
                .doesNotContain("order-77").doesNotContain("ch_1").doesNotContain("7012345678901234");
        assertThat(attachment).doesNotContain("secret.jpg").doesNotContain("code-1").doesNotContain("tok-1")
                .doesNotContain("Pat Doe").doesNotContain("vip").doesNotContain("\"Y\"")
                .contains("\"mid\":\"m_2\"").contains("\"type\":\"image\"");
    }

    @Test
    void keepsOnlyTheLatestAndHandsOutWhatCameAfter() {
        EventViewer viewer = new EventViewer("0123456789abcdef", 2);
        for (int i = 1; i <= 3; i++) {
            viewer.seen(Map.of("metaObject", "page", "metaEntryId", PAGE, "metaField", "messages", "metaMid", "m_" + i),
                    "{\"message\":{\"mid\":\"m_" + i + "\"}}", "stored");
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
