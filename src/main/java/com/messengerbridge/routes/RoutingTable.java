package com.messengerbridge.routes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The routing table as Camel's route model holds it: the first {@code choice} of route
 * {@value #ROUTE_ID}, each line a test and the queue its steps set. Read from the model, and its
 * tests evaluated by Camel, so a line means what Camel makes of it however it is worded.
 */
public final class RoutingTable {

    public static final String ROUTE_ID = "event-routing";
    public static final String UNROUTED = "unrouted";
    public static final String NONE = "none";
    /** What {@link #queueOf} answers for a line whose queue is an expression, not a constant. */
    public static final String COMPUTED = "(computed)";

    private final CamelContext context;
    private final RouteDefinition route;
    private final ChoiceDefinition choice;

    private RoutingTable(CamelContext context, RouteDefinition route, ChoiceDefinition choice) {
        this.context = context;
        this.route = route;
        this.choice = choice;
    }

    /** The table of the routes in this context's model; empty when there is no such route or it has no choice. */
    static Optional<RoutingTable> of(CamelContext context) {
        RouteDefinition route = context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition(ROUTE_ID);
        if (route == null) {
            return Optional.empty();
        }
        return route.getOutputs().stream().filter(ChoiceDefinition.class::isInstance).map(ChoiceDefinition.class::cast)
                .findFirst().map(choice -> new RoutingTable(context, route, choice));
    }

    /**
     * Reads the table of one routes file without starting anything, and answers for each event
     * what it would be queued as; closes the Camel it reads with.
     */
    public static <T> T read(Path routesFile, java.util.function.Function<RoutingTable, T> question) throws IOException {
        // this Camel only reads: its start and stop lines would mix with a command's output
        try (var quiet = RoutesCheck.quiet();
                CamelContext context = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context,
                    "file:" + routesFile.toAbsolutePath()));
            RoutingTable table = of(context).orElseThrow(() -> new IOException(
                    routesFile + " has no route " + ROUTE_ID + " with a choice: no routing table"));
            return question.apply(table);
        } catch (IOException unreadable) {
            throw unreadable;
        } catch (Exception unloadable) {
            throw new IOException("cannot load the routing table " + routesFile + ": " + unloadable.getMessage(), unloadable);
        }
    }

    List<WhenDefinition> lines() {
        return choice.getWhenClauses();
    }

    /** The queue of the table's {@code otherwise}, or null when it sets none. */
    String otherwiseQueue() {
        return choice.getOtherwise() == null ? null : queueSetBy(choice.getOtherwise().getOutputs());
    }

    int lineNumber() {
        return choice.getLineNumber();
    }

    /** The file the table was read from, as a person names it. */
    String file() {
        return route.getResource() == null ? "route " + ROUTE_ID : RouteProblem.fileName(route.getResource().getLocation());
    }

    /**
     * The queue the table gives an event with these headers and exchange properties: the first line
     * whose test holds, else the otherwise; {@link #COMPUTED} when that line computes it.
     */
    public String queueOf(Map<String, Object> headers, Map<String, Object> properties) {
        Exchange event = new DefaultExchange(context);
        event.getMessage().setHeaders(new java.util.HashMap<>(headers));
        properties.forEach(event::setProperty);
        for (WhenDefinition line : choice.getWhenClauses()) {
            ExpressionDefinition test = line.getExpression();
            if (context.resolveLanguage(test.getLanguage()).createPredicate(test.getExpression()).matches(event)) {
                return queueOrComputed(line.getOutputs());
            }
        }
        return choice.getOtherwise() == null ? null : queueOrComputed(choice.getOtherwise().getOutputs());
    }

    private static String queueOrComputed(List<ProcessorDefinition<?>> steps) {
        String queue = queueSetBy(steps);
        return queue != null ? queue : steps.stream().anyMatch(RoutingTable::setsQueue) ? COMPUTED : null;
    }

    /** The constant a line's {@code setProperty queue} gives, or null when it computes the queue or sets none. */
    static String queueSetBy(List<ProcessorDefinition<?>> steps) {
        for (ProcessorDefinition<?> step : steps) {
            if (setsQueue(step) && "constant".equals(((SetPropertyDefinition) step).getExpression().getLanguage())) {
                return ((SetPropertyDefinition) step).getExpression().getExpression();
            }
        }
        return null;
    }

    private static boolean setsQueue(ProcessorDefinition<?> step) {
        return step instanceof SetPropertyDefinition set && "queue".equals(set.getName()) && set.getExpression() != null;
    }
}
