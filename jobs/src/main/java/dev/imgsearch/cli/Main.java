package dev.imgsearch.cli;

import dev.imgsearch.common.OneLine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code imgsearch} command line. */
@Command(name = "imgsearch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Semantic image search on Apache Spark: CLIP embeddings, vector stores and a search service.",
        subcommands = {
            EmbedCommand.class,
            BuildCommand.class,
            ValidateCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            InspectCommand.class,
            PreprocessCommand.class,
            LaunchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 bad arguments. */
    public static int run(String... args) {
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        if (System.getProperty("log4j.configurationFile") == null
                && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j.configurationFile", "imgsearch-log4j2.properties");
        }
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setParameterExceptionHandler(Main::badArguments)
                .setExecutionExceptionHandler(Main::failed);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("imgsearch: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        return 2;
    }

    private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("imgsearch: error: " + OneLine.of(e));
        if (System.getenv("IMGSEARCH_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    /** The project version, filtered into a resource at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties props = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/imgsearch.properties")) {
                props.load(in);
            }
            return new String[] {"imgsearch " + props.getProperty("version"),
                "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch")};
        }
    }
}
