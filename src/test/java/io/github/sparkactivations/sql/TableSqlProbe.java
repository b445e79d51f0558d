package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.ml.ActivationTransformer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Run by TableSqlIT in a JVM with a Spark runtime, Iceberg's and Delta's packages and this
 * project's jar: for each format and each order of the extensions (this project's first or last), a
 * session that checks every function is there and creates a table of the format with CREATE TABLE
 * AS SELECT. One order per format (Iceberg with this project's extensions first, Delta with them
 * last) goes on with INSERT, UPDATE and MERGE with the activations in their expressions, and saves
 * ActivationTransformer's output with saveAsTable. Each table's rows go to Parquet under the output
 * folder for the test to check.
 *
 * <p>Arguments: the output folder, then the formats (iceberg, delta).
 */
public final class TableSqlProbe {

  private static final String OURS = ActivationExtensions.class.getName();

  private TableSqlProbe() {}

  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    for (String format : List.of(args).subList(1, args.length)) {
      for (String order : List.of("first", "last")) {
        SparkSession spark = session(out, format, order).getOrCreate();
        try {
          check(spark, out.resolve(format + "-" + order), format, order);
        } finally {
          spark.stop();
        }
      }
    }
  }

  /**
   * A session with the format's extensions and catalog, this project's extensions first or last.
   */
  private static SparkSession.Builder session(Path out, String format, String order) {
    String theirs =
        format.equals("iceberg")
            ? "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
            : "io.delta.sql.DeltaSparkSessionExtension";
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.warehouse.dir", out.resolve("warehouse-" + order).toString())
            .config(
                "spark.sql.extensions",
                order.equals("first") ? OURS + "," + theirs : theirs + "," + OURS);
    if (format.equals("delta")) {
      return builder.config(
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }
    // An Iceberg JDBC catalog on an embedded database (SQLite, in a file).
    return builder
        .config("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ice.type", "jdbc")
        .config("spark.sql.catalog.ice.uri", "jdbc:sqlite:" + out.resolve("iceberg-catalog.db"))
        .config("spark.sql.catalog.ice.jdbc.schema-version", "V1")
        .config("spark.sql.catalog.ice.warehouse", out.resolve("iceberg").toString());
  }

  /** The order of the extensions in which a format's session runs every statement. */
  static String fullOrder(String format) {
    return format.equals("iceberg") ? "first" : "last";
  }

  private static void check(SparkSession spark, Path out, String format, String order) {
    long known =
        Activations.all().stream()
            .map(Activation::name)
            .filter(name -> spark.catalog().functionExists(name))
            .count();
    System.out.println("functions " + format + " " + order + ": " + known);

    spark
        .range(8)
        .selectExpr(
            "id",
            "(id - 3.5D) * 7.3D AS score",
            "transform(sequence(0, 3), i -> CAST(sin(id + i) * 4 AS FLOAT)) AS logits")
        .createOrReplaceTempView("src");
    String prefix = format.equals("iceberg") ? "ice.db." : "";
    if (format.equals("iceberg")) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS ice.db");
    }
    String scores = prefix + "scores_" + order;
    spark.sql(
        "CREATE TABLE "
            + scores
            + " USING "
            + format
            + " AS SELECT id, score, logits, sigmoid(score) AS p, softmax(logits) AS probs"
            + " FROM src WHERE id < 4");
    if (!order.equals(fullOrder(format))) {
      spark.table(scores).write().parquet(out.resolve("ctas").toString());
      System.out.println("checked " + format + " " + order);
      return;
    }
    spark.sql(
        "INSERT INTO "
            + scores
            + " SELECT id, score, logits, sigmoid(score), softmax(logits) FROM src"
            + " WHERE id BETWEEN 4 AND 5");
    spark.sql("UPDATE " + scores + " SET p = silu(score) WHERE id % 2 = 0");
    spark.sql(
        "MERGE INTO "
            + scores
            + " t USING (SELECT * FROM src WHERE id >= 4) s ON t.id = s.id"
            + " WHEN MATCHED THEN UPDATE SET probs = softmin(s.logits)"
            + " WHEN NOT MATCHED THEN INSERT (id, score, logits, p, probs)"
            + " VALUES (s.id, s.score, s.logits, sigmoid(s.score), softmax(s.logits))");
    spark.table(scores).write().parquet(out.resolve("dml").toString());

    String transformed = prefix + "transformed_" + order;
    new ActivationTransformer()
        .setInputCol("logits")
        .setOutputCol("probs")
        .setActivation("softmax")
        .transform(spark.table("src"))
        .write()
        .format(format)
        .saveAsTable(transformed);
    spark.table(transformed).write().parquet(out.resolve("transformer").toString());
    System.out.println("checked " + format + " " + order);
  }
}
