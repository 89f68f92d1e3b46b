package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The events viewer in a real headless Chromium: Meta's guide ends with "load the app URL in a
 * web browser: the payload content should be displayed". Signed POSTs go in; the page shows them
 * live, masked until the viewer unmasks them, and only to the holder of the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventViewerIT {

    private static final String TOKEN = "viewer-token-for-tests-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private BridgeProcess bridge;
    private HeadlessChromium chromium;
    private Webhook webhook;

    @BeforeAll
    void start() throws Exception {
        bridge = BridgeProcess.startFresh("viewer", Map.of("BROKER_EMBEDDED_ACCEPTOR", "", "VIEWER_TOKEN", TOKEN));
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
        chromium = HeadlessChromium.start(Path.of("target/it/viewer/chromium"));
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void showsTheLatestEventsLiveMaskedUntilUnmasked() throws Exception {
        String mid = Events.uniqueMid();
        assertThat(webhook.post(Events.page(Events.message("7300000000001234", mid, 1718090000000L,
                "a private hello"))).statusCode()).isEqualTo(200);

        chromium.navigate("about:blank");
        chromium.navigate(viewerUrl() + "#token=" + TOKEN);
        chromium.await("document.querySelectorAll('tr.event').length >= 1", WAIT);

        assertThat(chromium.evaluate("document.querySelector('tr.event .field').textContent")).isEqualTo("messages");
        assertThat(chromium.evaluate("document.querySelector('tr.event .mid').textContent")).isEqualTo(mid);
        assertThat(chromium.evaluate("document.querySelector('tr.event .page').textContent")).isEqualTo(Events.PAGE_ID);
        assertThat(chromium.evaluate("document.querySelector('tr.event .object').textContent")).isEqualTo("page");
        String masked = chromium.evaluate("document.body.innerText");
        assertThat(masked).contains("****1234").contains("(15 characters, masked)")
                .doesNotContain("a private hello").doesNotContain("7300000000001234");
        assertThat(chromium.evaluate("location.href")).as("the token left the address bar")
                .doesNotContain(TOKEN);

        // a new event appears without reloading, on top
        String postback = Events.uniqueMid();
        assertThat(webhook.post(Events.page("{\"sender\":{\"id\":\"7300000000005678\"},\"recipient\":{\"id\":\""
                + Events.PAGE_ID + "\"},\"timestamp\":1718090000001,\"postback\":{\"title\":\"Start\",\"payload\":"
                + "\"START\",\"mid\":\"" + postback + "\"}}")).statusCode()).isEqualTo(200);
        chromium.await("document.querySelector('tr.event .mid').textContent === '" + postback + "'", WAIT);
        assertThat(chromium.evaluate("document.querySelector('tr.event .field').textContent"))
                .isEqualTo("messaging_postbacks");

        chromium.evaluate("document.getElementById('unmask').click()");
        chromium.await("document.body.innerText.includes('a private hello')", WAIT);
        assertThat(chromium.evaluate("document.body.innerText")).contains("7300000000001234")
                .contains("7300000000005678");
        assertThat(bridge.log()).contains("reads of unmasked events, the last from 127.0.0.1").doesNotContain(TOKEN);
    }

    @Test
    void aWrongTokenSeesNothing() throws Exception {
        chromium.navigate("about:blank"); // a load, not a fragment change on the page already open
        chromium.navigate(viewerUrl() + "#token=not-the-token");
        chromium.await("document.getElementById('status').textContent.includes('unauthorized')", WAIT);

        assertThat(chromium.evaluate("document.querySelectorAll('tr.event').length")).isEqualTo("0");
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(viewerUrl() + "/events")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(401);
        assertThat(direct.body()).doesNotContain("7300000000001234");
        assertThat(bridge.log()).contains("requests without the viewer token, the last from 127.0.0.1")
                .doesNotContain("not-the-token");
    }

    private String viewerUrl() {
        return "http://127.0.0.1:" + bridge.managementPort() + "/viewer";
    }
}
