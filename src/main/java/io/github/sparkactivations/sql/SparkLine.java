package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Version;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Spark line this jar is built for, checked against the Spark it runs in. Spark's internal APIs
 * differ between lines and Scala versions, so a jar of another line would fail later, inside a
 * query, with a {@code NoSuchMethodError}; every way of installing the functions calls {@link
 * #requireMatch()} first and fails in one line that names the jar to use.
 */
public final class SparkLine {

  /** The lines this project builds, each with its Scala versions (the pom's profiles). */
  static final Map<String, List<String>> BUILT =
      new TreeMap<>(
          Map.of(
              "3.5", List.of("2.12", "2.13"),
              "4.0", List.of("2.13"),
              "4.1", List.of("2.13"),
              "4.2", List.of("2.13")));

  private static final String MISMATCH =
      mismatch(
          Version.sparkLine(),
          Version.scalaBinaryVersion(),
          org.apache.spark.package$.MODULE$.SPARK_VERSION(),
          scala.util.Properties.versionNumberString());

  private SparkLine() {}

  /**
   * @throws IllegalStateException if this jar is not built for the running Spark and Scala
   */
  public static void requireMatch() {
    if (MISMATCH != null) {
      throw new IllegalStateException(MISMATCH);
    }
  }

  /**
   * Why a jar of {@code line} and {@code scala} cannot run on Spark {@code sparkVersion} with Scala
   * {@code scalaVersion}, naming the jar to use; null if it can.
   */
  static String mismatch(String line, String scala, String sparkVersion, String scalaVersion) {
    String runningLine = majorMinor(sparkVersion);
    String runningScala = majorMinor(scalaVersion);
    if (line.equals(runningLine) && scala.equals(runningScala)) {
      return null;
    }
    String problem =
        Version.jarName(line, scala)
            + " is built for Spark "
            + line
            + " with Scala "
            + scala
            + ", but this is Spark "
            + sparkVersion
            + " with Scala "
            + scalaVersion;
    if (BUILT.getOrDefault(runningLine, List.of()).contains(runningScala)) {
      return problem + ": use " + Version.jarName(runningLine, runningScala) + " instead";
    }
    return problem
        + ", which no spark-activations jar supports; jars exist for Spark "
        + String.join(", ", BUILT.keySet());
  }

  /** {@code 3.5.1-amzn-0} → {@code 3.5}. */
  private static String majorMinor(String version) {
    String[] parts = version.split("[.-]");
    return parts.length < 2 ? version : parts[0] + "." + parts[1];
  }
}
