package dev.imgsearch.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * A Spark line: Spark's major.minor version and its Scala binary version, which together decide which spark-submit
 * jar runs on a cluster. A jar of another line fails deep inside a job with linkage errors (Scala 2.12 against 2.13
 * classes, Hadoop 3.3's s3a against Hadoop 3.4) that name no cause, so a job checks the line first.
 *
 * @param spark e.g. {@code 3.5}
 * @param scala e.g. {@code 2.12}
 */
public record SparkLine(String spark, String scala) {

    /** The line from full versions, e.g. Spark {@code 3.5.9} and Scala {@code 2.12.18}. */
    public static SparkLine of(String sparkVersion, String scalaVersion) {
        return new SparkLine(majorMinor(sparkVersion), majorMinor(scalaVersion));
    }

    /** The line this jar was compiled for (recorded at build time). */
    public static SparkLine ofThisJar() {
        Properties props = new Properties();
        try (InputStream in = SparkLine.class.getResourceAsStream("/imgsearch.properties")) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SparkLine(props.getProperty("spark.line"), props.getProperty("scala.binary.version"));
    }

    /** The spark-submit jar built for this line. */
    public String jarName() {
        return "imgsearch-spark" + spark + "_" + scala + ".jar";
    }

    /** Fails with the jar to use instead when {@code running} is another line than this one. */
    public void requireRunning(SparkLine running, String runningVersions) {
        if (!equals(running)) {
            throw new IllegalStateException(jarName() + " is for Spark " + spark + " with Scala " + scala
                    + ", but this Spark is " + runningVersions + ": submit " + running.jarName()
                    + " (the README lists the jar for each supported Spark line)");
        }
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a version: " + version);
        }
        return parts[0] + "." + parts[1];
    }
}
