package dev.imgsearch.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splits one embed run into managed jobs of skypilot/embed.yaml, one per part of the dataset. */
public final class EmbedFanOut {

    /** The task environment keys that carry each job's part; embed.yaml passes them to --num-shards/--shard-index. */
    public static final String NUM_SHARDS = "NUM_SHARDS";
    public static final String SHARD_INDEX = "SHARD_INDEX";

    private EmbedFanOut() {
    }

    /**
     * The jobs that embed a dataset in {@code jobCount} parts.
     *
     * @param namePrefix  job {@code i} is named {@code PREFIX-i-of-N}
     * @param only        the job indexes to start (to start again the ones that failed); empty: all
     * @param env         the task environment every job gets (INPUT, OUTPUT, ...)
     * @param secrets     secret names every job gets
     */
    public static List<SkyJob> jobs(String namePrefix, int jobCount, Set<Integer> only, Path yaml, Path envFile,
            Map<String, String> env, List<String> secrets) {
        for (String reserved : List.of(NUM_SHARDS, SHARD_INDEX)) {
            if (env.containsKey(reserved)) {
                throw new IllegalArgumentException(reserved + " is set for each job from the number of jobs; "
                        + "do not set it yourself");
            }
        }
        List<ShardAssignment> parts = ShardAssignment.split(jobCount);
        for (int index : only) {
            if (index < 0 || index >= jobCount) {
                throw new IllegalArgumentException("job " + index + " does not exist: the jobs are 0 to " + (jobCount - 1));
            }
        }
        int width = String.valueOf(jobCount - 1).length();
        List<SkyJob> jobs = new ArrayList<>();
        for (ShardAssignment part : parts) {
            if (!only.isEmpty() && !only.contains(part.shardIndex())) {
                continue;
            }
            Map<String, String> jobEnv = new LinkedHashMap<>(env);
            jobEnv.put(NUM_SHARDS, String.valueOf(part.numShards()));
            jobEnv.put(SHARD_INDEX, String.valueOf(part.shardIndex()));
            String name = String.format("%s-%0" + width + "d-of-%d", namePrefix, part.shardIndex(), part.numShards());
            jobs.add(new SkyJob(name, yaml, envFile, jobEnv, secrets));
        }
        return List.copyOf(jobs);
    }
}
