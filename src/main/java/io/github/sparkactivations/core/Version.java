package io.github.sparkactivations.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project's version and the Spark line this jar is built for, as the build wrote them. */
public final class Version {

  private static final Properties BUILD = load();

  private Version() {}

  /** e.g. {@code 0.1.0}. */
  public static String get() {
    return BUILD.getProperty("version");
  }

  /** The Spark line this jar is built for, e.g. {@code 3.5}. */
  public static String sparkLine() {
    return BUILD.getProperty("spark.line");
  }

  /** The Scala binary version this jar is built for, e.g. {@code 2.12}. */
  public static String scalaBinaryVersion() {
    return BUILD.getProperty("scala.binary.version");
  }

  /** The Spark release this jar was built and tested against, e.g. {@code 3.5.9}. */
  public static String sparkVersion() {
    return BUILD.getProperty("spark.version");
  }

  /**
   * The Maven coordinates of a table format's Spark package for this line ({@code iceberg}, {@code
   * delta}, {@code hive}), or empty where the format's project publishes none for it.
   */
  public static String tablePackage(String format) {
    return BUILD.getProperty("table." + format + ".package", "");
  }

  /** The Spark lines a table format has a package for, e.g. {@code 4.1, 4.0 and 3.5}. */
  public static String tableLines(String format) {
    return BUILD.getProperty("table." + format + ".lines", "");
  }

  /**
   * The file name of the application jar of a line, e.g. {@code
   * spark-activations-spark3.5_2.12-0.1.0.jar}.
   */
  public static String jarName(String line, String scala) {
    return "spark-activations-spark" + line + "_" + scala + "-" + get() + ".jar";
  }

  /** This jar's file name. */
  public static String jarName() {
    return jarName(sparkLine(), scalaBinaryVersion());
  }

  private static Properties load() {
    try (InputStream in =
        Version.class.getResourceAsStream("/io/github/sparkactivations/version.properties")) {
      Properties properties = new Properties();
      properties.load(in);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
