package com.messengerbridge.tools;

import com.messengerbridge.Application;
import com.messengerbridge.routes.RouteProblem;
import com.messengerbridge.routes.RoutesCheck;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code check-routes [dir]}: loads the routes of a directory as the bridge would start them (see
 * {@link RoutesCheck}), prints each fault on one line with its file and line, and exits 1 on any
 * error: a broken edit is found before it is deployed, not by a crash loop.
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
        List<RouteProblem> problems = new RoutesCheck(Application.WIRING).check(dir);
        problems.forEach(out::println);
        long errors = problems.stream().filter(RouteProblem::error).count();
        out.println("check-routes: " + dir + (errors == 0 ? " OK" : ": " + errors + " error(s)"));
        return errors == 0 ? 0 : 1;
    }
}
