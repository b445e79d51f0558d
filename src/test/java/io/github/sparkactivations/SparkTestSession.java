package io.github.sparkactivations;

import io.github.sparkactivations.sql.ActivationExtensions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of the test JVM, created through the extension route with Kryo, and
 * the helper that runs a query in both execution modes (in the spirit of Spark's
 * ExpressionEvalHelper).
 */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-activations-tests")
              .config("spark.sql.extensions", ActivationExtensions.class.getName())
              .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.sql.warehouse.dir", "target/spark-warehouse")
              // Evaluate over local data at run time, not while optimising, so codegen is tested.
              .config(
                  "spark.sql.optimizer.excludedRules",
                  "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
              .getOrCreate();
    }
    return session;
  }

  /** Whole-stage codegen with compiled expressions, or the interpreted path only. */
  public enum Mode {
    CODEGEN("true", "CODEGEN_ONLY"),
    INTERPRETED("false", "NO_CODEGEN");

    private final String wholeStage;
    private final String factory;

    Mode(String wholeStage, String factory) {
      this.wholeStage = wholeStage;
      this.factory = factory;
    }
  }

  /** Runs the query in {@code mode}, restoring the defaults afterwards. */
  public static <T> T inMode(Mode mode, Function<SparkSession, T> query) {
    SparkSession spark = get();
    spark.conf().set("spark.sql.codegen.wholeStage", mode.wholeStage);
    spark.conf().set("spark.sql.codegen.factoryMode", mode.factory);
    try {
      return query.apply(spark);
    } finally {
      spark.conf().unset("spark.sql.codegen.wholeStage");
      spark.conf().unset("spark.sql.codegen.factoryMode");
    }
  }

  /**
   * Collects the query in both modes, asserts they agree to the bit (compared as text, so NaN and
   * -0.0 count), and returns the rows.
   */
  public static List<Row> collectBothModes(Function<SparkSession, Dataset<Row>> query) {
    List<Row> codegen = inMode(Mode.CODEGEN, spark -> query.apply(spark).collectAsList());
    List<Row> interpreted = inMode(Mode.INTERPRETED, spark -> query.apply(spark).collectAsList());
    if (!codegen.toString().equals(interpreted.toString())) {
      throw new AssertionError(
          "codegen and interpreted results differ:\n" + codegen + "\n" + interpreted);
    }
    return new ArrayList<>(codegen);
  }
}
