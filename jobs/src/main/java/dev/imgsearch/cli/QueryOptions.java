package dev.imgsearch.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How many results a console query asks for, and how many approximate extras it re-ranks exactly. */
final class QueryOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "-k", defaultValue = "10", paramLabel = "K", description = "How many results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--extra-neighbors", defaultValue = "0", paramLabel = "N",
            description = "Approximate candidates beyond k re-ranked by exact cosine (default: ${DEFAULT-VALUE}).")
    int extraNeighbors;

    /** Usage errors (exit code 2) for values no search can take. */
    void validate() {
        if (k < 1 || extraNeighbors < 0) {
            throw new ParameterException(spec.commandLine(), "-k must be positive and --extra-neighbors at least 0");
        }
    }
}
