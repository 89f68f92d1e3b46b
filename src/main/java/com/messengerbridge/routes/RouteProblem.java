package com.messengerbridge.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.ExpressionIllegalSyntaxException;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.model.BasicOutputExpressionNode;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.spi.Resource;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * One finding about a routes directory, as a person reads it on one line:
 * {@code ERROR routes/event-routing.camel.yaml:57: No bean could be found in the registry for: x}.
 * Camel reports a YAML fault with its line, and a step it cannot build with its route; the line of
 * that step is found in the route model (Camel keeps each step's line when asked to).
 */
public record RouteProblem(boolean error, String where, String fault) {

    private static final Pattern PLAIN_QUEUE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static RouteProblem error(String where, String fault) {
        return new RouteProblem(true, where, fault);
    }

    static RouteProblem warning(String where, String fault) {
        return new RouteProblem(false, where, fault);
    }

    /** What a failed start of the routes says, where Camel or the route model tells where. */
    public static RouteProblem of(Throwable failed, CamelContext context) {
        MarkedYamlEngineException yaml = find(failed, MarkedYamlEngineException.class);
        if (yaml != null && yaml.getProblemMark().isPresent()) {
            var mark = yaml.getProblemMark().get();
            String during = yaml.getContext() == null ? "" : yaml.getContext() + ": ";
            return error(fileName(mark.getName()) + ":" + (mark.getLine() + 1), during + firstLine(yaml.getProblem()));
        }
        String fault = fault(failed);
        FailedToCreateRouteException route = find(failed, FailedToCreateRouteException.class);
        if (route != null && context != null) {
            return error(where(context, route.getRouteId(), clue(failed)), fault);
        }
        return error("start", fault);
    }

    /**
     * What loads but would surprise: a routing-table line whose queue is not a plain name (it
     * becomes part of an address), and a table with no way to {@code unrouted} for fields it does
     * not name (they would then be dropped, not parked).
     */
    static List<RouteProblem> warnings(CamelContext context) {
        RoutingTable table = RoutingTable.of(context).orElse(null);
        if (table == null) {
            return List.of(error("routes", "no route " + RoutingTable.ROUTE_ID + " with a choice (the routing table):"
                    + " webhook-receive hands every event to direct:" + RoutingTable.ROUTE_ID));
        }
        List<RouteProblem> warnings = new ArrayList<>();
        for (WhenDefinition line : table.lines()) {
            String queue = RoutingTable.queueSetBy(line.getOutputs());
            if (queue != null && !PLAIN_QUEUE.matcher(queue).matches()) {
                warnings.add(warning(table.file() + ":" + lineOf(line), "queue '" + queue
                        + "' is not a plain name (letters, digits, _ and -): it becomes part of the address <prefix>." + queue));
            }
        }
        if (!RoutingTable.UNROUTED.equals(table.otherwiseQueue())) {
            warnings.add(warning(table.file() + ":" + table.lineNumber(), "the routing table's otherwise no longer sets queue "
                    + RoutingTable.UNROUTED + ": events of fields without a line are no longer parked on <prefix>."
                    + RoutingTable.UNROUTED));
        }
        return warnings;
    }

    /** The most specific message of the chain: what a person can act on. */
    private static String fault(Throwable failed) {
        ExpressionIllegalSyntaxException syntax = find(failed, ExpressionIllegalSyntaxException.class);
        if (syntax != null) {
            return "Simple syntax: " + firstLine(syntax.getMessage()) + " in " + syntax.getExpression();
        }
        Throwable root = failed;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    }

    /** A text the failing step shows in its description: the bean, endpoint or expression named. */
    private static String clue(Throwable failed) {
        NoSuchBeanException bean = find(failed, NoSuchBeanException.class);
        if (bean != null) {
            return bean.getName();
        }
        NoSuchEndpointException endpoint = find(failed, NoSuchEndpointException.class);
        if (endpoint != null) {
            return endpoint.getUri().replaceFirst("://", ":");
        }
        ExpressionIllegalSyntaxException syntax = find(failed, ExpressionIllegalSyntaxException.class);
        return syntax != null ? syntax.getExpression() : null;
    }

    /** File and line of the deepest step of the route whose description shows the clue, else of the route. */
    private static String where(CamelContext context, String routeId, String clue) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition route = model == null ? null : model.getRouteDefinition(routeId);
        if (route == null) {
            return "route " + routeId;
        }
        OptionalIdentifiedDefinition<?> step = clue == null ? null : deepest(route.getOutputs(), clue).orElse(null);
        int line = step != null && step.getLineNumber() >= 0 ? lineOf(step) : route.getInput().getLineNumber();
        Resource resource = route.getResource();
        String file = resource == null ? "route " + routeId : fileName(resource.getLocation());
        return line > 0 ? file + ":" + line : file;
    }

    private static Optional<OptionalIdentifiedDefinition<?>> deepest(List<?> steps, String clue) {
        for (Object node : steps) {
            OptionalIdentifiedDefinition<?> step = (OptionalIdentifiedDefinition<?>) node;
            if (step.toString().contains(clue)) {
                return deepest(children(step), clue).or(() -> Optional.of(step));
            }
        }
        return Optional.empty();
    }

    /** The steps inside a step: a choice's lines and otherwise, a line's or block's own steps. */
    private static List<Object> children(OptionalIdentifiedDefinition<?> step) {
        List<Object> inner = new ArrayList<>();
        if (step instanceof ChoiceDefinition choice) {
            inner.addAll(choice.getWhenClauses());
            if (choice.getOtherwise() != null) {
                inner.add(choice.getOtherwise());
            }
        } else if (step instanceof ProcessorDefinition<?> processor) {
            inner.addAll(processor.getOutputs());
        } else if (step instanceof BasicOutputExpressionNode line) {
            inner.addAll(line.getOutputs());
        } else if (step instanceof OtherwiseDefinition otherwise) {
            inner.addAll(otherwise.getOutputs());
        }
        return inner;
    }

    /** The line of a step in its file: Camel's YAML DSL counts a choice's {@code when} lines from 0, its other steps from 1. */
    private static int lineOf(OptionalIdentifiedDefinition<?> step) {
        return step instanceof WhenDefinition ? step.getLineNumber() + 1 : step.getLineNumber();
    }

    /** A resource location as the user wrote the directory: {@code routes/x.camel.yaml}, not {@code file:/abs/...}. */
    static String fileName(String location) {
        String path = location.replaceFirst("^file:", "");
        Path file = Path.of(path);
        Path here = Path.of("").toAbsolutePath();
        return file.isAbsolute() && file.startsWith(here) ? here.relativize(file).toString() : path;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    private static <T extends Throwable> T find(Throwable failed, Class<T> type) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /** Where and what, on one line. */
    public String describe() {
        return where + ": " + fault;
    }

    @Override
    public String toString() {
        return (error ? "ERROR " : "WARN  ") + describe();
    }
}
