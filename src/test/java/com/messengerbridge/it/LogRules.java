package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.messengerbridge.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What no log line may hold, in either format: ids and outcomes only, no user named, nothing secret. */
final class LogRules {

    private LogRules() {
    }

    /** The users of every fixture, their texts and details, a signature, and each secret given. */
    static void assertNothingLeaks(String log, String... secrets) {
        Matcher senders = Pattern.compile("\"sender\":\\{\"id\":\"([0-9]+)\"").matcher(
                String.join("", Fixtures.ALL.stream().map(f -> new String(Fixtures.bytes(f), StandardCharsets.UTF_8))
                        .toList()));
        while (senders.find()) {
            if (!senders.group(1).equals(Events.PAGE_ID)) {
                assertThat(log).as("a user's id").doesNotContain(senders.group(1));
            }
        }
        assertThat(log).doesNotContain("4242 4242").doesNotContain("UREF_8f14e45f")
                .doesNotContain("FAKE_NMT_1234567890").doesNotContain("PASS_THROUGH_PARAM");
        assertThat(log).doesNotContain(BridgeProcess.VERIFY_TOKEN)
                .doesNotContain("hello, world!").doesNotContain("gift wrap please").doesNotContain("Is this still available")
                .doesNotContain("test.user@example.com").doesNotContain("+15105550000").doesNotContain("1 Hacker Way")
                .doesNotContain("\"sender\"");
        for (String secret : secrets) {
            assertThat(log).as("a secret").doesNotContain(secret);
        }
        assertThat(Pattern.compile("[0-9a-f]{64}").matcher(log).find()).as("a signature in the log").isFalse();
    }
}
