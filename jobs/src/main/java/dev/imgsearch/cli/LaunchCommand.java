package dev.imgsearch.cli;

import dev.imgsearch.launch.EmbedFanOut;
import dev.imgsearch.launch.SkyJob;
import dev.imgsearch.launch.SkyLaunchException;
import dev.imgsearch.launch.SkyLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Start cloud jobs with SkyPilot (the `sky` CLI, set up with `sky check`). Guide: docs/cloud.md."},
        subcommands = LaunchCommand.Embed.class)
final class LaunchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to launch: embed");
    }

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = {"Split a dataset between N managed jobs of skypilot/embed.yaml, one GPU machine each, and "
                + "start them.",
                "Job i embeds part i of N (embed --num-shards N --shard-index i): together the jobs embed every image "
                    + "exactly once, into one output. Options left out take the YAML's defaults."})
    static final class Embed implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        EmbedOptions embed;

        @Mixin
        ModelOption model;

        @Option(names = "--jobs", defaultValue = "1", paramLabel = "N",
                description = "How many jobs, i.e. machines, to split the dataset between (default: ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--only", split = ",", paramLabel = "I[,I...]",
                description = "Start only these jobs of the N, e.g. the ones SkyPilot refused before.")
        List<Integer> only = new ArrayList<>();

        @Option(names = "--release-url", paramLabel = "URL", description = "The imgsearch-spark.jar the jobs install.")
        String releaseUrl;

        @Option(names = "--env-file", paramLabel = "FILE",
                description = "Task settings, e.g. a copy of config/imgsearch-defaults.conf (sky --env-file).")
        Path envFile;

        @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Any other task setting; repeatable (sky --env).")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = "--secret", paramLabel = "NAME",
                description = {"A secret for the jobs, its value read by SkyPilot from this shell's environment; "
                    + "repeatable (sky --secret).", "Default: HF_TOKEN, if it is set."})
        List<String> secrets;

        @Option(names = "--yaml", defaultValue = "skypilot/embed.yaml", paramLabel = "FILE",
                description = "The task (default: ${DEFAULT-VALUE}, relative to the repository root).")
        Path yaml;

        @Option(names = "--name", defaultValue = "imgsearch-embed", paramLabel = "PREFIX",
                description = "Job names: PREFIX-I-of-N (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--dry-run", description = "Print the sky commands instead of running them.")
        boolean dryRun;

        @Option(names = "--sky", defaultValue = "sky", paramLabel = "PATH",
                description = "The SkyPilot CLI (default: ${DEFAULT-VALUE}, from PATH).")
        String sky;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(yaml)) {
                throw new IllegalArgumentException(yaml + " not found: run from the repository root, or pass --yaml");
            }
            if (envFile != null && !Files.isRegularFile(envFile)) {
                throw new IllegalArgumentException("env file not found: " + envFile);
            }
            embed.validate();
            model.location();
            List<String> jobSecrets = secrets != null ? secrets
                    : System.getenv("HF_TOKEN") == null ? List.of() : List.of("HF_TOKEN");
            List<SkyJob> planned;
            try {
                planned = EmbedFanOut.jobs(name, jobs, new LinkedHashSet<>(only), yaml, envFile, taskEnv(), jobSecrets);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            SkyLauncher launcher = new SkyLauncher(sky, spec.commandLine().getOut());
            if (dryRun) {
                launcher.print(planned);
                return 0;
            }
            try {
                launcher.launch(planned);
            } catch (SkyLaunchException e) {
                throw new IllegalStateException(e.getMessage() + "; to start the rest, run again with --only "
                        + e.notStarted().stream().map(job -> job.env().get(EmbedFanOut.SHARD_INDEX))
                                .collect(Collectors.joining(",")), e);
            }
            return 0;
        }

        /** The YAML's envs this run sets: what was given on the command line, --env last. */
        private Map<String, String> taskEnv() {
            Map<String, String> taskEnv = embed.taskEnv();
            EmbedOptions.putIfGiven(taskEnv, "MODEL", model.model);
            EmbedOptions.putIfGiven(taskEnv, "RELEASE_URL", releaseUrl);
            taskEnv.putAll(env);
            return taskEnv;
        }
    }
}
