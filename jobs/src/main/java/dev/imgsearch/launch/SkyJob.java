package dev.imgsearch.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SkyPilot managed job to start from a task YAML.
 *
 * @param name     the managed job's name
 * @param yaml     the task YAML
 * @param envFile  a dotenv file of task environment values, or null
 * @param env      task environment values; on SkyPilot's command line they win over {@code envFile}
 * @param secrets  names of secrets whose values SkyPilot reads from the launching shell's environment
 */
public record SkyJob(String name, Path yaml, Path envFile, Map<String, String> env, List<String> secrets) {

    public SkyJob {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        secrets = List.copyOf(secrets);
    }

    /**
     * The {@code sky jobs launch} command line: without a confirmation prompt, and detached from the job's logs so
     * that the next job can be started at once.
     */
    public List<String> command(String sky) {
        List<String> command = new ArrayList<>(List.of(sky, "jobs", "launch", yaml.toString(), "--name", name,
                "--yes", "--detach-run"));
        if (envFile != null) {
            command.addAll(List.of("--env-file", envFile.toString()));
        }
        env.forEach((key, value) -> command.addAll(List.of("--env", key + "=" + value)));
        secrets.forEach(secret -> command.addAll(List.of("--secret", secret)));
        return command;
    }
}
