package com.messengerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every link between the pages, and to files of the project, leads somewhere: the file exists inside
 * the project, and a {@code #section} is a heading of that page. Links to other sites are not
 * fetched (the build may be offline); they must at least be https.
 */
class DocumentationLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCED = Pattern.compile("(?ms)^```.*?^```");
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    @Test
    void everyLinkLeadsToAFileOfTheProjectAndAHeadingOfIt() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Path page : Documentation.pages()) {
            for (String target : links(page)) {
                if (target.startsWith("https://")) {
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String section = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path linked = file.isEmpty() ? page.toAbsolutePath() : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!linked.startsWith(PROJECT) || !Files.exists(linked)) {
                    broken.add(page + ": " + target + " (no such file in the project)");
                } else if (section != null && !headings(linked).contains(section)) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void theReadmeLeadsToEveryPage() throws Exception {
        List<String> fromReadme = links(Path.of("README.md"));
        for (Path page : Documentation.pages()) {
            if (page.startsWith("docs")) {
                assertThat(fromReadme).as("the README links %s", page).contains(page.toString().replace('\\', '/'));
            }
        }
    }

    @Test
    void headingsAreFoundAsGitHubNamesThem() {
        assertThat(slug("Several bridges, one HA broker pair")).isEqualTo("several-bridges-one-ha-broker-pair");
        assertThat(slug("De-duplication and order")).isEqualTo("de-duplication-and-order");
        assertThat(slug("`subscribe` and `send-test-event`")).isEqualTo("subscribe-and-send-test-event");
    }

    private static List<String> links(Path page) {
        String text = FENCED.matcher(Documentation.read(page)).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher links = LINK.matcher(text);
        while (links.find()) {
            targets.add(links.group(1));
        }
        return targets;
    }

    private static List<String> headings(Path page) {
        if (!page.toString().endsWith(".md")) {
            return List.of();
        }
        return FENCED.matcher(Documentation.read(page)).replaceAll("").lines()
                .filter(line -> line.startsWith("#"))
                .map(line -> slug(line.replaceFirst("^#+\\s*", "")))
                .collect(Collectors.toList());
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
