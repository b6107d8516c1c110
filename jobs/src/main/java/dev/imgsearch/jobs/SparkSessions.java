package dev.imgsearch.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the session a job runs in: whatever spark-submit configured, or local mode when started with plain
 * {@code java -jar}.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    /**
     * @param appName  the application name shown in logs and the Spark UI
     * @param settings {@code --conf} values and the properties file's entries; they win over the defaults here
     */
    public static SparkSession start(String appName, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setAppName(appName);
        settings.forEach(conf::set);
        if (!conf.contains("spark.master")) {
            // Not launched by spark-submit: run in this JVM, reachable from this machine only.
            conf.setMaster("local[*]");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        // One shard is one task; a task that keeps failing on one machine should not sink the job.
        conf.setIfMissing("spark.task.maxFailures", "4");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        String scalaVersion = scala.util.Properties.versionNumberString();
        SparkLine.ofThisJar().requireRunning(SparkLine.of(spark.version(), scalaVersion),
                "Spark " + spark.version() + " with Scala " + scalaVersion);
        return spark;
    }
}
