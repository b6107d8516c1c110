package dev.imgsearch.skypilot;

import dev.imgsearch.cli.Main;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;

/** The {@code imgsearch} command line inside a recorded java or spark-submit command, parsed as the CLI parses it. */
final class ImgsearchArgs {

    static final String MAIN = Main.class.getName();

    /** spark-submit options that take no value. */
    private static final Set<String> SUBMIT_FLAGS = Set.of("--verbose", "-v", "--supervise", "--help", "-h",
            "--version");

    private ImgsearchArgs() {
    }

    /**
     * The arguments the command gives Main: after {@code dev.imgsearch.cli.Main} on a java command line, after the
     * application jar on a spark-submit one (whose {@code --class} names Main). Empty if the command runs no Main.
     */
    static Optional<List<String>> of(List<String> command) {
        int main = command.indexOf(MAIN);
        if (main < 0) {
            return Optional.empty();
        }
        if (main == 0 || !command.get(main - 1).equals("--class")) {
            return Optional.of(command.subList(main + 1, command.size()));
        }
        int i = 0;
        while (i < command.size() && command.get(i).startsWith("-")) {
            i += SUBMIT_FLAGS.contains(command.get(i)) || command.get(i).contains("=") ? 1 : 2;
        }
        if (i >= command.size()) {
            throw new AssertionError("no application jar in " + command);
        }
        return Optional.of(command.subList(i + 1, command.size()));
    }

    /** The spark-submit options before the application jar. */
    static List<String> submitOptions(List<String> command) {
        List<String> args = of(command).orElseThrow();
        return command.subList(0, command.size() - args.size() - 1);
    }

    /** Parses as {@code imgsearch ARGS} does; a ParameterException if the CLI would refuse them. */
    static CommandLine.ParseResult parse(List<String> args) {
        return new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
    }
}
