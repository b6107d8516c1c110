package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparkLineTest {

    @Test
    void aLineIsTheMajorAndMinorVersionOfSparkAndScala() {
        assertEquals(new SparkLine("3.5", "2.12"), SparkLine.of("3.5.9", "2.12.18"));
        assertEquals(new SparkLine("4.1", "2.13"), SparkLine.of("4.1.3", "2.13.17"));
        assertEquals("imgsearch-spark3.5_2.13.jar", SparkLine.of("3.5.0", "2.13.8").jarName());
        assertThrows(IllegalArgumentException.class, () -> SparkLine.of("4", "2.13.17"));
    }

    @Test
    void thisJarIsForTheSparkLineItWasBuiltAndTestedWith() {
        SparkLine running = SparkLine.of(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                scala.util.Properties.versionNumberString());
        assertEquals(running, SparkLine.ofThisJar());
        SparkLine.ofThisJar().requireRunning(running, "the test's Spark");
    }

    @Test
    void aJarOfAnotherLineRefusesToRunAndNamesTheJarThatWould() {
        SparkLine jar = new SparkLine("3.5", "2.12");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> jar.requireRunning(SparkLine.of("4.1.3", "2.13.17"), "Spark 4.1.3 with Scala 2.13.17"));
        assertEquals("imgsearch-spark3.5_2.12.jar is for Spark 3.5 with Scala 2.12, but this Spark is Spark 4.1.3"
                + " with Scala 2.13.17: submit imgsearch-spark4.1_2.13.jar (the README lists the jar for each"
                + " supported Spark line)", e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> jar.requireRunning(SparkLine.of("3.5.9", "2.13.8"), "Spark 3.5.9 with Scala 2.13.8"));
    }
}
