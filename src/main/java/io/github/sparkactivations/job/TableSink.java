package io.github.sparkactivations.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * A table of Spark's catalogs, written in one commit of its format. Delta and Iceberg tables keep a
 * run's id in that same commit (Delta's idempotent-write transaction and commit metadata, an
 * Iceberg snapshot-summary property), so a run id twice commits once; nothing of ours goes into the
 * table's folder. Every commit also carries a marker of its own, by which the run finds its commit
 * and the rows it wrote.
 */
final class TableSink implements Sink {

  private static final String COMMIT_KEY = "spark-activations.commit";
  private static final String RUN_ID_KEY = "spark-activations.run-id";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Tables.Format format;
  private final BatchOptions options;
  private final String commitMarker = UUID.randomUUID().toString();

  private SparkSession spark;
  private boolean exists;

  /** The existing table's provider, or the format a new one is created in ("" if unknown). */
  private String provider;

  /** A table that {@code run} writes; {@code format} (or null) for a table it creates. */
  TableSink(String name, Tables.Format format, BatchOptions options) {
    this.name = name;
    this.format = format;
    this.options = options;
  }

  /** A table that {@code stream} writes; {@code format} (or null) for a table it creates. */
  static TableSink stream(String name, Tables.Format format) {
    return new TableSink(name, format, null);
  }

  @Override
  public Optional<String> beforeWrite(SparkSession spark, Source source, StructType result) {
    this.spark = spark;
    Tables.requireCatalog(spark, name, "--output-table");
    if (format != null) {
      format.requireOnClasspath();
    }
    try {
      exists = Tables.exists(spark, name);
    } catch (Exception e) { // Spark's AnalysisException is a checked exception to Java
      throw Tables.unresolved("--output-table", name, e);
    }
    if (exists
        && options.mode() == BatchOptions.Mode.ERROR
        && !options.overwritePartitions()
        && !options.dryRun()) {
      throw new UsageException(
          "table "
              + name
              + " already exists; use --mode append to add to it, --mode overwrite to replace its"
              + " rows, --overwrite-partitions to replace the partitions this run writes, or"
              + " choose another --output-table");
    }
    if (exists && options.mode() == BatchOptions.Mode.IGNORE) {
      return Optional.of("table " + name + " already exists; --mode ignore: nothing written");
    }
    provider = exists ? Tables.provider(spark, name) : newTableFormat();
    refuseOverlap(spark, source);
    String runId = options.runId();
    if (runId != null) {
      if (!recordsCommits()) {
        throw new UsageException(
            "--run-id on a table needs a Delta or Iceberg table, whose commits keep it; "
                + name
                + (exists
                    ? " is a "
                        + (provider.isEmpty() ? "table of unknown format" : provider + " table")
                    : " would be created as "
                        + provider
                        + ": give --table-format delta or iceberg"));
      }
      if (exists && holdsRun()) {
        return Optional.of(
            "run " + runId + " is already committed to table " + name + ": nothing written");
      }
    }
    if (exists && !replacesTable()) {
      Tables.requireSameColumns(name, spark.table(name).schema(), result);
    }
    return Optional.empty();
  }

  /** The format a missing table is created in: --table-format, else its catalog's default. */
  private String newTableFormat() {
    if (format != null) {
      return format.id();
    }
    if (Tables.deltaPath(name).isPresent()) {
      return "delta";
    }
    List<String> parts = Tables.parts(name);
    String catalogClass =
        parts.size() >= 3 ? spark.conf().get("spark.sql.catalog." + parts.get(0), "") : "";
    if (catalogClass.contains("iceberg")) {
      return "iceberg";
    }
    // Spark 3 makes a Hive table of a table created without a format in a Hive catalog.
    boolean hiveByDefault =
        spark.conf().get("spark.sql.catalogImplementation", "in-memory").equals("hive")
            && spark
                .conf()
                .get("spark.sql.legacy.createHiveTableByDefault") // its default: true on Spark 3
                .equals("true");
    return hiveByDefault ? "hive" : spark.conf().get("spark.sql.sources.default", "parquet");
  }

  @Override
  public Written write(Dataset<Row> result) {
    // Delta takes a commit's metadata from the session on every write path (as a write option,
    // table creation drops it).
    String metadataKey = "spark.databricks.delta.commitInfo.userMetadata";
    if (provider.equals("delta")) {
      spark.conf().set(metadataKey, json(marker()));
    }
    try {
      return writeRows(result);
    } finally {
      if (provider.equals("delta")) {
        spark.conf().unset(metadataKey);
      }
    }
  }

  private Written writeRows(Dataset<Row> result) {
    // Formats without commit records count the rows as they pass (an observed metric).
    Observation observed = recordsCommits() ? null : new Observation("activations_rows");
    Dataset<Row> data =
        observed == null ? result : result.observe(observed, count(lit(1)).as("rows"));
    if (options.partitions() != null) {
      data = data.repartition(options.partitions());
    }
    String outcome;
    if (!exists || replacesTable()) {
      List<String> partitionBy = exists ? partitionColumns() : options.partitionBy();
      if (provider.equals("delta")) {
        createDelta(data, partitionBy);
      } else {
        create(data, partitionBy);
        // The catalog's default, as it chose (Spark 3's Hive catalog makes Hive tables).
        provider = Tables.provider(spark, name);
      }
      outcome = exists ? "replaced" : "created";
    } else {
      // insertInto writes by position: in the table's column order.
      Column[] columns =
          Arrays.stream(spark.table(name).columns())
              .map(c -> col("`" + c + "`"))
              .toArray(Column[]::new);
      String overwriteMode = "spark.sql.sources.partitionOverwriteMode";
      String previous = spark.conf().get(overwriteMode, "static");
      spark.conf().set(overwriteMode, options.overwritePartitions() ? "dynamic" : "static");
      try {
        data.select(columns)
            .write()
            .options(commitOptions())
            .mode(appends() ? SaveMode.Append : SaveMode.Overwrite)
            .insertInto(name);
      } finally {
        spark.conf().set(overwriteMode, previous);
      }
      outcome =
          options.overwritePartitions()
              ? "replaced the partitions it wrote"
              : appends() ? "appended" : "replaced";
    }
    FaultPoints.reached("after-table-commit");
    return new Written(rowsWritten(observed), outcome);
  }

  /**
   * Delta's writer takes the commit's transaction only as DataFrameWriter options: through
   * DataFrameWriterV2 they are dropped.
   */
  private void createDelta(Dataset<Row> data, List<String> partitionBy) {
    DataFrameWriter<Row> writer =
        data.write()
            .format("delta")
            .options(commitOptions())
            .mode(exists ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
            .partitionBy(partitionBy.toArray(String[]::new));
    if (exists) {
      writer = writer.option("overwriteSchema", "true");
    }
    writer.saveAsTable(name);
  }

  private void create(Dataset<Row> data, List<String> partitionBy) {
    DataFrameWriterV2<Row> table = data.writeTo(name).options(commitOptions());
    // CreateTableWriter: what partitionedBy and using return on Spark 3.5, where only
    // DataFrameWriterV2's partitionedBy takes Java varargs.
    CreateTableWriter<Row> writer = table;
    if (!partitionBy.isEmpty()) {
      Column[] rest =
          partitionBy.subList(1, partitionBy.size()).stream()
              .map(c -> col("`" + c + "`"))
              .toArray(Column[]::new);
      writer = table.partitionedBy(col("`" + partitionBy.get(0) + "`"), rest);
    }
    if (exists || format != null) {
      writer = writer.using(provider);
    }
    try {
      if (exists) {
        writer.createOrReplace();
      } else {
        writer.create();
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // TableAlreadyExistsException: declared, and checked, on some lines
      throw new IllegalStateException(
          "table " + name + " appeared while the job ran: " + RunCommand.firstLine(e), e);
    }
  }

  /**
   * An overwrite of a Delta or Iceberg table replaces it in one commit that keeps its history and
   * partitioning, so it may change its columns (adding probabilities in place); other formats'
   * overwrites keep the table's columns.
   */
  private boolean replacesTable() {
    return options.mode() == BatchOptions.Mode.OVERWRITE
        && !options.overwritePartitions()
        && recordsCommits();
  }

  /**
   * Delta and Iceberg: formats whose commits are snapshots that carry this project's markers and
   * the rows each wrote.
   */
  private boolean recordsCommits() {
    return provider.equals("delta") || provider.equals("iceberg");
  }

  private boolean appends() {
    return options.mode() == BatchOptions.Mode.APPEND && !options.overwritePartitions();
  }

  /**
   * Reading a table and committing to it in one run is safe only where the commit replaces one
   * snapshot with the next (Delta, Iceberg), and only as an overwrite: how users add a column of
   * probabilities in place. Anything else would read its own output or race it.
   */
  private void refuseOverlap(SparkSession spark, Source source) {
    if (!(source instanceof TableSource input)
        || !Tables.identifier(spark, input.name()).equals(Tables.identifier(spark, name))) {
      return;
    }
    if (!recordsCommits() || appends()) {
      throw new UsageException(
          "--output-table "
              + name
              + " is the --input-table: only --mode overwrite on a Delta or Iceberg table may"
              + " replace the rows it reads (it reads one snapshot and commits the next); write"
              + " to another table");
    }
  }

  /** The existing table's partition columns, which a replacing run keeps. */
  private List<String> partitionColumns() {
    try {
      return spark.catalog().listColumns(name).collectAsList().stream()
          .filter(org.apache.spark.sql.catalog.Column::isPartition)
          .map(org.apache.spark.sql.catalog.Column::name)
          .toList();
    } catch (Exception e) { // AnalysisException, checked to Java
      throw Tables.unresolved("--output-table", name, e);
    }
  }

  /** This run's commit marker, and its run id. */
  private Map<String, String> marker() {
    Map<String, String> marker = new LinkedHashMap<>();
    marker.put(COMMIT_KEY, commitMarker);
    if (options.runId() != null) {
      marker.put(RUN_ID_KEY, options.runId());
    }
    return marker;
  }

  private Map<String, String> commitOptions() {
    String runId = options.runId();
    Map<String, String> writeOptions = new LinkedHashMap<>();
    switch (provider) {
      case "delta" -> {
        if (runId != null) {
          // Delta skips a write whose application already committed this version: the guard
          // against two runs with one id racing each other.
          writeOptions.put("txnAppId", "spark-activations:" + runId);
          writeOptions.put("txnVersion", "0");
        }
      }
      case "iceberg" -> marker().forEach((k, v) -> writeOptions.put("snapshot-property." + k, v));
      default -> {}
    }
    return writeOptions;
  }

  /**
   * The rows of this run's commit, from the commit itself where the format records it (a Delta
   * write skipped by its transaction never runs the query, so the observation would wait forever).
   */
  private long rowsWritten(Observation observed) {
    if (observed != null) {
      try {
        return ((Number) observed.getAsJava().get("rows")).longValue();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) { // InterruptedException, declared on some lines only
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while counting the rows written", e);
      }
    }
    String rows = commits(COMMIT_KEY).get(commitMarker);
    if (rows == null) {
      throw new IllegalStateException(
          "the write to table "
              + name
              + " made no commit: run "
              + options.runId()
              + " was committed by another run meanwhile");
    }
    return Long.parseLong(rows);
  }

  private boolean holdsRun() {
    return commits(RUN_ID_KEY).containsKey(options.runId());
  }

  /**
   * This project's commits in a Delta or Iceberg table, by the value they carry under {@code key}:
   * the rows each wrote.
   */
  private Map<String, String> commits(String key) {
    Map<String, String> found = new LinkedHashMap<>();
    if (provider.equals("iceberg")) {
      for (Row row : spark.sql("SELECT summary FROM " + name + ".snapshots").collectAsList()) {
        Map<String, String> summary = row.getJavaMap(0);
        if (summary.containsKey(key)) {
          found.put(summary.get(key), summary.get("added-records"));
        }
      }
      return found;
    }
    Dataset<Row> history =
        spark.sql("DESCRIBE HISTORY " + name).select("userMetadata", "operationMetrics");
    for (Row row : history.collectAsList()) {
      String metadata = row.getString(0);
      if (metadata == null || !metadata.contains(key)) {
        continue;
      }
      try {
        String value = JSON.readTree(metadata).path(key).asText(null);
        if (value != null) {
          found.put(value, row.<String, String>getJavaMap(1).get("numOutputRows"));
        }
      } catch (JsonProcessingException e) {
        // another writer's metadata, not ours
      }
    }
    return found;
  }

  private static String json(Map<String, String> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Dataset<Row> read(SparkSession spark) {
    return spark.table(name);
  }

  @Override
  public StreamingQuery startStream(Dataset<Row> result, String checkpoint, Trigger trigger)
      throws TimeoutException {
    Tables.requireCatalog(result.sparkSession(), name, "--output-table");
    DataStreamWriter<Row> writer =
        result.writeStream().option("checkpointLocation", checkpoint).trigger(trigger);
    Optional<String> deltaFolder = Tables.deltaPath(name);
    if (deltaFolder.isPresent()) { // a path is no table name to a stream
      Tables.Format.DELTA.requireOnClasspath();
      return writer.format("delta").start(deltaFolder.get());
    }
    if (format != null) {
      format.requireOnClasspath();
      writer = writer.format(format.id());
    }
    return writer.toTable(name);
  }

  @Override
  public String describe() {
    return "table " + name + (provider == null || provider.isEmpty() ? "" : " (" + provider + ")");
  }
}
