package com.messengerbridge.tools;

import com.messengerbridge.Application;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code check-routes [dir]}: loads the routes of a directory the way the bridge does (its wiring,
 * its settings, every step built, every bean and endpoint resolved), with no broker, no HTTP port
 * and no route started. Prints each error with its file and line, warns about routing-table lines
 * that would surprise, and exits 1 on any error: a broken edit is found before it is deployed.
 */
public final class CheckRoutes {

    static final String USAGE = "usage: check-routes [routes directory, default routes]";

    private CheckRoutes() {
    }

    public static void main(String... args) {
        System.exit(run(args, System.out));
    }

    /** @return 0 when the routes load, 1 on any error, 2 on a wrong command line */
    public static int run(String[] args, PrintStream out) {
        if (args.length > 1 || args.length == 1 && args[0].startsWith("-")) {
            out.println(USAGE);
            return 2;
        }
        Path dir = Path.of(args.length == 0 ? "routes" : args[0]);
        if (!Files.isDirectory(dir)) {
            out.println("check-routes: " + dir + " is not a directory");
            return 1;
        }
        List<RouteProblem> problems = check(dir);
        problems.forEach(problem -> out.println(problem));
        long errors = problems.stream().filter(RouteProblem::error).count();
        out.println(errors == 0 ? "check-routes: " + dir + " OK" : "check-routes: " + dir + ": " + errors + " error(s)");
        return errors == 0 ? 0 : 1;
    }

    /** The errors and warnings of the routes under {@code dir}, loaded with the bridge's wiring. */
    public static List<RouteProblem> check(Path dir) {
        // the findings are the output: Camel's own start and stop lines, and its stack traces, are not
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
        Main main = new Main();
        Application.WIRING.forEach(wiring -> main.configure().addConfiguration(wiring));
        main.addOverrideProperty("routes.dir", dir.toString());
        // every route built, none started: no consumer, no port, no broker connection
        main.addOverrideProperty("camel.main.auto-startup", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("broker.url", "vm://0");
        main.addOverrideProperty("meta.insecure-skip-signature", "false");
        main.addOverrideProperty("meta.app-secret", "check-routes");
        main.addOverrideProperty("meta.page-id", "");
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            return RouteProblem.warnings(context);
        } catch (Exception failed) {
            return List.of(RouteProblem.of(failed, main.getCamelContext()));
        } finally {
            main.stop();
        }
    }
}
