package com.messengerbridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The events viewer in a real headless Chromium: Meta's guide ends with "load the app URL in a
 * web browser: the payload content should be displayed". Signed POSTs go in; the page shows them
 * live, masked until the viewer unmasks them, and only to the holder of the token.
 */
@Tag(Tiers.FULL)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventViewerIT {

    private static final String TOKEN = "viewer-token-for-tests-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private BridgeProcess bridge;
    private HeadlessChromium chromium;
    private Webhook webhook;

    @RegisterExtension
    final StopAfterAll stopAfterAll = new StopAfterAll();

    @BeforeAll
    void start() throws Exception {
        bridge = stopAfterAll.add(BridgeProcess.startFresh("viewer", Map.of("BROKER_EMBEDDED_ACCEPTOR", "", "VIEWER_TOKEN", TOKEN)));
        webhook = new Webhook(bridge.httpPort(), BridgeProcess.APP_SECRET);
        chromium = stopAfterAll.add(HeadlessChromium.start(Path.of("target/it/viewer/chromium")));
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
        // the list shows no payload; the event's JSON is in its detail, folded until opened
        assertThat(chromium.evaluate("document.body.innerText")).doesNotContain("a private hello")
                .doesNotContain("7300000000001234");
        chromium.evaluate("document.querySelector('tr.event:nth-child(1)').click()");
        chromium.await("!document.getElementById('detail').hidden", WAIT);
        assertThat(chromium.evaluate("document.getElementById('json').open")).isEqualTo("false");
        chromium.evaluate("document.querySelector('#json summary').click()");
        String masked = chromium.evaluate("document.getElementById('json-text').textContent");
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
        chromium.await("document.querySelectorAll('tr.event').length >= 2", WAIT);
        String all = chromium.evaluate("Array.from(document.querySelectorAll('tr.event')).map(function (row) {"
                + " row.click(); document.querySelector('#json summary').click();"
                + " return document.getElementById('json-text').textContent; }).join()");
        assertThat(all).contains("a private hello").contains("7300000000001234").contains("7300000000005678");
        assertThat(bridge.log()).contains("reads of unmasked events, the last from 127.0.0.1").doesNotContain(TOKEN);
    }

    @Test
    void aWrongTokenSeesNothing() throws Exception {
        chromium.navigate("about:blank"); // a load, not a fragment change on the page already open
        chromium.navigate(viewerUrl() + "#token=not-the-token");
        chromium.await("document.getElementById('status').textContent.includes('unauthorized')", WAIT);

        assertThat(chromium.evaluate("document.querySelectorAll('tr.event').length")).isEqualTo("0");
        HttpResponse<String> direct = ManagementClient.HTTP.send(HttpRequest.newBuilder(
                URI.create(viewerUrl() + "/events")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(401);
        assertThat(direct.body()).doesNotContain("7300000000001234");
        assertThat(bridge.log()).contains("requests without the viewer token, the last from 127.0.0.1")
                .doesNotContain("not-the-token");
    }

    /**
     * What operators do on an events page: narrow the list by object, field and Page, find an event
     * by its mid or a user's id, open its detail (JSON folded), pause the feed and resume it; laid
     * out for a laptop and a phone, a screenshot of each kept under target/it/viewer/.
     */
    @Test
    void filtersSearchDetailAndPauseAsOperatorsUseThem() throws Exception {
        String message = Events.uniqueMid();
        String postback = Events.uniqueMid();
        String instagram = Events.uniqueMid();
        String otherPage = Events.uniqueMid();
        assertThat(webhook.post(Events.page(Events.message("7300000000009991", message, 1718090001000L, "hi"))).statusCode())
                .isEqualTo(200);
        assertThat(webhook.post(Events.page("{\"sender\":{\"id\":\"7300000000009992\"},\"recipient\":{\"id\":\""
                + Events.PAGE_ID + "\"},\"timestamp\":1718090001001,\"postback\":{\"title\":\"Go\",\"payload\":"
                + "\"GO\",\"mid\":\"" + postback + "\"}}")).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.envelope("instagram", Events.IG_ACCOUNT_ID, "messaging",
                Events.message("7300000000009993", instagram, 1718090001002L, "ig"))).statusCode()).isEqualTo(200);
        assertThat(webhook.post(Events.envelope("page", "999000999000999", "messaging",
                Events.message("7300000000009994", otherPage, 1718090001003L, "other"))).statusCode()).isEqualTo(200);

        chromium.viewport(1280, 800, false);
        chromium.navigate("about:blank");
        chromium.navigate(viewerUrl() + "#token=" + TOKEN);
        chromium.await("Array.from(document.querySelectorAll('tr.event .mid')).some(function (m) {"
                + " return m.textContent === '" + otherPage + "'; })", WAIT);

        choose("field", "messaging_postbacks");
        assertThat(column("field")).isNotEmpty().allMatch("messaging_postbacks"::equals);
        assertThat(column("mid")).contains(postback).doesNotContain(message);
        choose("field", "");
        choose("object", "instagram");
        assertThat(column("object")).isNotEmpty().allMatch("instagram"::equals);
        assertThat(column("mid")).contains(instagram);
        choose("object", "");
        choose("page", "999000999000999");
        assertThat(column("mid")).containsExactly(otherPage);
        choose("page", "");
        choose("search", message);
        assertThat(column("mid")).containsExactly(message);
        choose("search", "9992"); // a user id as the masked list shows it: its last four digits
        assertThat(column("mid")).contains(postback).doesNotContain(message);
        choose("search", "");

        chromium.evaluate("Array.from(document.querySelectorAll('tr.event')).find(function (row) {"
                + " return row.querySelector('.mid').textContent === '" + message + "'; }).click()");
        assertThat(chromium.evaluate("document.querySelector('#facts dd.mid').textContent")).isEqualTo(message);
        assertThat(chromium.evaluate("document.getElementById('json').open")).isEqualTo("false");
        assertThat(chromium.evaluate("document.querySelector('aside').getBoundingClientRect().left"
                + " >= document.querySelector('.list').getBoundingClientRect().right")).as("beside the list on a laptop")
                .isEqualTo("true");
        chromium.screenshot(Path.of("target/it/viewer/viewer-laptop.png"));

        chromium.viewport(390, 844, true);
        chromium.await("document.querySelector('aside').getBoundingClientRect().top"
                + " >= document.querySelector('.list').getBoundingClientRect().bottom", WAIT);
        assertThat(chromium.evaluate("document.documentElement.scrollWidth <= 390")).as("no sideways scrolling").isEqualTo("true");
        chromium.screenshot(Path.of("target/it/viewer/viewer-phone.png"));
        chromium.viewport(1280, 800, false);

        chromium.evaluate("document.getElementById('pause').click()");
        assertThat(chromium.evaluate("document.getElementById('status').textContent")).startsWith("paused");
        String whilePaused = Events.uniqueMid();
        assertThat(webhook.post(Events.page(Events.message("7300000000009995", whilePaused, 1718090001004L, "later")))
                .statusCode()).isEqualTo(200);
        Thread.sleep(2_500);
        assertThat(column("mid")).doesNotContain(whilePaused);
        chromium.evaluate("document.getElementById('pause').click()");
        chromium.await("Array.from(document.querySelectorAll('tr.event .mid')).some(function (m) {"
                + " return m.textContent === '" + whilePaused + "'; })", WAIT);
    }

    /** Sets a filter as a person would, and lets the page react. */
    private void choose(String filter, String value) throws Exception {
        chromium.evaluate("(function () { var input = document.getElementById('" + filter + "'); input.value = '"
                + value + "'; input.dispatchEvent(new Event('input')); }())");
    }

    /** The text of one column of the rows shown. */
    private java.util.List<String> column(String name) throws Exception {
        String joined = chromium.evaluate("Array.from(document.querySelectorAll('tr.event .' + '" + name
                + "')).map(function (cell) { return cell.textContent; }).join('\\n')");
        return joined.isEmpty() ? java.util.List.of() : java.util.List.of(joined.split("\n"));
    }

    private String viewerUrl() {
        return "http://127.0.0.1:" + bridge.managementPort() + "/viewer";
    }
}
