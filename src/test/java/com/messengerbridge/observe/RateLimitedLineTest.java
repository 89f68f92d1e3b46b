package com.messengerbridge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lines as written by the logging backend the bridge runs on. */
class RateLimitedLineTest {

    private static final String LOGGER = "rate-limited-line-test";
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }
    };

    @BeforeEach
    void captureTheLogger() {
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        LoggerConfig logger = new LoggerConfig(LOGGER, Level.INFO, false);
        logger.addAppender(capture, Level.INFO, null);
        configuration.addLogger(LOGGER, logger);
        context.updateLoggers();
    }

    @AfterEach
    void releaseTheLogger() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger(LOGGER);
        context.updateLoggers();
        capture.stop();
    }

    @Test
    void theFirstIsWrittenAtOnceAndTheRestOfABurstWhenItsIntervalEnds() throws Exception {
        RateLimitedLine line = new RateLimitedLine(LoggerFactory.getLogger(LOGGER), true,
                "refused: {} since the last line, the last from {}", INTERVAL_NANOS);

        for (int i = 1; i <= 25; i++) {
            line.record("10.0.0." + i);
        }
        assertThat(lines).containsExactly("WARN refused: 1 since the last line, the last from 10.0.0.1");

        // nothing else happens: the 24 held back are still written, once the interval is over
        awaitLines(2);
        assertThat(lines).containsExactly("WARN refused: 1 since the last line, the last from 10.0.0.1",
                "WARN refused: 24 since the last line, the last from 10.0.0.25");

        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(INTERVAL_NANOS) * 3 / 2);
        assertThat(lines).as("no empty line once nothing is held back").hasSize(2);
    }

    @Test
    void occurrencesOneIntervalApartAreEachWrittenAtOnce() throws Exception {
        RateLimitedLine line = new RateLimitedLine(LoggerFactory.getLogger(LOGGER), false,
                "viewed: {} since the last line, the last from {}", INTERVAL_NANOS);

        line.record("10.0.0.1");
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(INTERVAL_NANOS) + 50);
        line.record("10.0.0.2");

        assertThat(lines).containsExactly("INFO viewed: 1 since the last line, the last from 10.0.0.1",
                "INFO viewed: 1 since the last line, the last from 10.0.0.2");
    }

    private void awaitLines(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lines.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
