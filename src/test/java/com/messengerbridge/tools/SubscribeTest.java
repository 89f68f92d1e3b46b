package com.messengerbridge.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code subscribe} against a local fake Graph API over real HTTP. */
class SubscribeTest {

    private FakeGraphApi graph;
    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraphApi();
        env.put("GRAPH_API_BASE_URL", graph.baseUrl());
        env.put("META_PAGE_ID", FakeGraphApi.PAGE_ID);
        env.put("META_PAGE_ACCESS_TOKEN", FakeGraphApi.PAGE_TOKEN);
        env.put("META_APP_ID", FakeGraphApi.APP_ID);
        env.put("META_APP_SECRET", FakeGraphApi.APP_SECRET + ",an-older-secret");
        env.put("META_VERIFY_TOKEN", "verify-for-tests");
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void subscribesThePageToTheFieldsTheRoutesQueue() throws Exception {
        assertThat(run("page")).isZero();

        Set<String> routed = RoutedFields.of(RoutedFields.DEFAULT_TABLE);
        assertThat(graph.pageFields()).isEqualTo(routed).contains("messages", "messaging_postbacks", "standby");
        FakeGraphApi.Call call = graph.calls().get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/v23.0/" + FakeGraphApi.PAGE_ID + "/subscribed_apps");
        assertThat(output()).contains("Page " + FakeGraphApi.PAGE_ID + " subscribed to ").contains(",messages,")
                .doesNotContain(FakeGraphApi.PAGE_TOKEN);
    }

    /** A malformed id would make a URL whose parse error quotes the token: refused, naming the setting only. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"12 34", "1234/../me", "1234?fields=x", "page"})
    void aMalformedPageIdIsRefusedWithoutEchoingTheTokenOrTheId(String malformed) {
        env.put("META_PAGE_ID", malformed);

        assertThat(run("list")).isEqualTo(2);

        assertThat(output()).contains("META_PAGE_ID must be a numeric Meta id").doesNotContain(FakeGraphApi.PAGE_TOKEN)
                .doesNotContain(malformed);
        assertThat(graph.calls()).isEmpty();
    }

    @Test
    void listsWhatIsSubscribedAndWhatTheRoutesMiss() {
        graph.subscribePage("messages", "messaging_postbacks");

        assertThat(run("list")).isZero();

        assertThat(output()).contains(FakeGraphApi.APP_ID + " My Sample App: messages,messaging_postbacks")
                .contains("routed but not subscribed: ").contains("message_reads").contains("standby")
                .doesNotContain("routed but not subscribed: messages,");
        assertThat(graph.calls().get(0).method()).isEqualTo("GET");
    }

    @Test
    void afterSubscribingNothingRoutedIsMissing() {
        assertThat(run("page")).isZero();
        assertThat(run("list")).isZero();

        assertThat(output()).contains("every routed field is subscribed");
    }

    @Test
    void explicitFieldsReplaceTheRoutedOnes() {
        assertThat(run("page", "--fields", "messages, feed")).isZero();

        assertThat(graph.pageFields()).containsExactlyInAnyOrder("messages", "feed");
    }

    @Test
    void setsTheCallbackWithTheAppTokenAndTheVerifyToken() {
        assertThat(run("callback", "--callback-url", "https://bridge.example.org/webhook")).isZero();

        assertThat(graph.callback()).containsEntry("object", "page")
                .containsEntry("callback_url", "https://bridge.example.org/webhook")
                .containsEntry("verify_token", "verify-for-tests").containsEntry("include_values", "true")
                .containsKey("fields");
        assertThat(output()).doesNotContain(FakeGraphApi.APP_SECRET).doesNotContain("verify-for-tests");
    }

    @Test
    void aRefusalFromTheGraphApiIsPrintedWithoutTheToken() {
        env.put("META_PAGE_ACCESS_TOKEN", "a-wrong-token");

        assertThat(run("page")).isEqualTo(1);

        assertThat(output()).contains("failed: POST /v23.0/" + FakeGraphApi.PAGE_ID + "/subscribed_apps answered 400")
                .contains("Invalid OAuth access token").doesNotContain("a-wrong-token");
    }

    @Test
    void theVersionIsConfigurable() {
        assertThat(run("list", "--graph-version", "v99.0")).isEqualTo(1);

        assertThat(graph.calls().get(0).path()).startsWith("/v99.0/");
    }

    @Test
    void tokensAreTakenFromTheEnvironmentOnly() {
        env.remove("META_PAGE_ACCESS_TOKEN");

        assertThat(run("page", "--page-token", FakeGraphApi.PAGE_TOKEN)).isEqualTo(2);

        assertThat(output()).contains("set META_PAGE_ACCESS_TOKEN in the environment").contains("usage: subscribe");
        assertThat(graph.calls()).isEmpty();
    }

    @Test
    void anUnknownCommandPrintsTheUsage() {
        assertThat(run("unsubscribe")).isEqualTo(2);

        assertThat(output()).contains("unknown command unsubscribe").contains("usage: subscribe");
    }

    private int run(String... args) {
        return Subscribe.run(args, env, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
