package io.github.sparkactivations.job;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A table as Spark's catalogs resolve its name ({@code db.t}, {@code catalog.db.t}, Delta's {@code
 * delta.`/path`}): read at its current snapshot, or as a stream of what is appended to it.
 */
final class TableSource implements Source {

  private final String name;

  TableSource(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  @Override
  public Dataset<Row> read(SparkSession spark) {
    return resolved(spark, () -> spark.table(name));
  }

  @Override
  public Dataset<Row> readStream(SparkSession spark) {
    // A path is no table name to a stream.
    Optional<String> deltaFolder = Tables.deltaPath(name);
    return resolved(
        spark,
        () ->
            deltaFolder.isPresent()
                ? spark.readStream().format("delta").load(deltaFolder.get())
                : spark.readStream().table(name));
  }

  private Dataset<Row> resolved(SparkSession spark, Supplier<Dataset<Row>> table) {
    Tables.requireCatalog(spark, name, "--input-table");
    try {
      Dataset<Row> rows = table.get();
      rows.schema();
      return rows;
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is a checked exception to Java
      throw Tables.unresolved("--input-table", name, e);
    }
  }

  @Override
  public String describe() {
    return "table " + name;
  }
}
