package io.github.sparkactivations.job;

import static io.github.sparkactivations.RowArrays.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkactivations.LineRuntime;
import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Spec;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tables through the driver, as a scheduled scoring job uses them: a Hive-metastore table (every
 * line), and Delta and Iceberg tables on the lines their projects publish a Spark package for (one
 * line saying so on the others). Each run is a spark-submit of its own through scripts/spark-submit
 * --with. What a table holds is read back by another driver or from its data files; its commits are
 * counted in the format's own log (Delta's _delta_log, Iceberg's snapshot files).
 */
class TableIT {

  private static final int ROWS = 200;
  private static final int BIG_ROWS = 200_000;

  @TempDir static Path dir;

  @BeforeAll
  static void logits() {
    write(1000, ROWS, input(1));
    write(2000, ROWS, input(2));
    write(100_000, BIG_ROWS, input(3));
  }

  private static void write(long firstId, int rows, Path path) {
    SparkTestSession.get()
        .range(firstId, firstId + rows, 1, 2)
        .selectExpr(
            "id", "transform(sequence(0, 3), i -> CAST(sin(id + i) * 4 AS FLOAT)) AS logits")
        .write()
        .parquet(path.toString());
  }

  private static Path input(int day) {
    return dir.resolve("day" + day);
  }

  /**
   * scripts/spark-submit --with the formats, a Hive metastore (embedded Derby) and warehouse in the
   * test's folder, and two Iceberg catalogs: {@code ice} of the Hadoop kind, {@code jice} a JDBC
   * catalog on an embedded SQLite database (its driver on the driver's classpath).
   */
  private static List<String> with(String formats) {
    return List.of(
        "--with",
        formats,
        "--driver-class-path",
        SQLITE_DRIVER,
        "--conf",
        "spark.sql.catalog.jice=org.apache.iceberg.spark.SparkCatalog",
        "--conf",
        "spark.sql.catalog.jice.type=jdbc",
        "--conf",
        "spark.sql.catalog.jice.uri=jdbc:sqlite:" + dir.resolve("iceberg-jdbc.db"),
        "--conf",
        "spark.sql.catalog.jice.jdbc.schema-version=V1",
        "--conf",
        "spark.sql.catalog.jice.warehouse=" + dir.resolve("iceberg-jdbc"),
        "--conf",
        "spark.sql.warehouse.dir=" + dir.resolve("warehouse"),
        "--conf",
        "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName="
            + dir.resolve("metastore")
            + ";create=true",
        "--conf",
        "spark.sql.catalog.ice=org.apache.iceberg.spark.SparkCatalog",
        "--conf",
        "spark.sql.catalog.ice.type=hadoop",
        "--conf",
        "spark.sql.catalog.ice.warehouse=" + dir.resolve("iceberg"));
  }

  private static final String SQLITE_DRIVER = LineRuntime.codeSource(org.sqlite.JDBC.class);

  private static SparkSubmit.Run run(String formats, String... args) throws Exception {
    return SparkSubmit.submit(with(formats), args);
  }

  /**
   * A Delta table by path (Delta's own catalog, no metastore) or an Iceberg table of the Hadoop
   * catalog.
   */
  private static String table(String format, String name) {
    return format.equals("iceberg")
        ? "ice.db." + name
        : "delta.`" + dir.resolve("delta-tables").resolve(name) + "`";
  }

  private static boolean iceberg(String table) {
    return table.startsWith("ice.") || table.startsWith("jice.");
  }

  /** A table's folder: its path, its Iceberg catalog's warehouse, or the session catalog's. */
  private static Path folder(String table) {
    List<String> parts = Tables.parts(table);
    if (Tables.deltaPath(table).isPresent()) {
      return Path.of(Tables.deltaPath(table).get());
    }
    return iceberg(table)
        ? dir.resolve(table.startsWith("ice.") ? "iceberg" : "iceberg-jdbc")
            .resolve(parts.get(1))
            .resolve(parts.get(2))
        : dir.resolve("warehouse").resolve(table);
  }

  /** Where a Delta or Iceberg table keeps its data files. */
  private static Path dataFolder(String table) {
    return iceberg(table) ? folder(table).resolve("data") : folder(table);
  }

  /** The commits of a Delta or Iceberg table, counted in its own log. */
  private static long commits(String table) throws IOException {
    Path log = folder(table).resolve(iceberg(table) ? "metadata" : "_delta_log");
    String pattern = iceberg(table) ? "snap-.*\\.avro" : "\\d{20}\\.json";
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(p -> p.getFileName().toString().matches(pattern)).count();
    }
  }

  /** The Parquet data files a Delta or Iceberg table has written, committed or not. */
  private static long dataFiles(String table) throws IOException {
    if (!Files.isDirectory(dataFolder(table))) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dataFolder(table))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  private static List<Long> idsOf(long... firstIdsAndCounts) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < firstIdsAndCounts.length; i += 2) {
      LongStream.range(firstIdsAndCounts[i], firstIdsAndCounts[i] + firstIdsAndCounts[i + 1])
          .forEach(ids::add);
    }
    return ids;
  }

  /**
   * The rows of a Parquet output, by id: every id exactly once, with the named columns as the core
   * kernels compute them from the logits.
   */
  private static void assertRows(Path parquet, List<Long> ids, String... columnsAndSpecs) {
    assertRows(parquet, "true", ids, columnsAndSpecs);
  }

  /** The same, of the rows that match {@code where}. */
  private static void assertRows(
      Path parquet, String where, List<Long> ids, String... columnsAndSpecs) {
    List<Row> rows =
        SparkTestSession.get()
            .read()
            .parquet(parquet.toString())
            .where(where)
            .orderBy("id")
            .collectAsList();
    assertEquals(ids, rows.stream().map(r -> r.getLong(r.fieldIndex("id"))).toList());
    for (Row row : rows) {
      float[] logits = floats(row.getList(row.fieldIndex("logits")));
      for (int c = 0; c < columnsAndSpecs.length; c += 2) {
        float[] expected = new float[logits.length];
        Spec.parse(columnsAndSpecs[c + 1]).apply(logits, 0, logits.length, expected, 0);
        assertArrayEquals(
            expected,
            floats(row.getList(row.fieldIndex(columnsAndSpecs[c]))),
            columnsAndSpecs[c] + " of id " + row.getLong(row.fieldIndex("id")));
      }
    }
  }

  private static void assertOut(SparkSubmit.Run run, String expected) {
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains(expected), run.out());
  }

  /**
   * The session catalog's own format for a table created without one: Parquet data source tables on
   * Spark 4, Hive tables on Spark 3 (spark.sql.legacy.createHiveTableByDefault, true before 4.0).
   */
  private static final String DEFAULT_FORMAT =
      Version.sparkLine().startsWith("3.") ? "hive" : "parquet";

  @Test
  void aHiveMetastoreTableIsCreatedAppendedAndReadByAnotherDriver() throws Exception {
    String[] apply = {"--output-table", "probs_hive", "--apply", "probs=softmax(logits)"};
    assertOut(
        run("hive", concat(new String[] {"--input", input(1).toString()}, apply)),
        "output:     table probs_hive (" + DEFAULT_FORMAT + ") (created)");
    assertOut(
        run(
            "hive",
            concat(new String[] {"--input", input(2).toString(), "--mode", "append"}, apply)),
        "output:     table probs_hive (" + DEFAULT_FORMAT + ") (appended)");
    assertRows(readBack("probs_hive", "hive"), idsOf(1000, ROWS, 2000, ROWS), "probs", "softmax");
  }

  /** The table's rows, as another driver reads them through its catalog into Parquet. */
  private static Path readBack(String table, String formats) throws Exception {
    Path back = dir.resolve("back-" + table.replaceAll("\\W+", "_"));
    SparkSubmit.Run read =
        run(
            formats,
            "--input-table",
            table,
            "--output",
            back.toString(),
            "--sql",
            "SELECT * FROM input");
    assertEquals(0, read.code(), read.err());
    return back;
  }

  /**
   * Other types than the table's, and a run id where the table keeps none: one line each, and the
   * table as it was.
   */
  @Tag("tables-full")
  @Test
  void aHiveMetastoreTableRefusesOtherTypesAndRunIds() throws Exception {
    String table = "probs_hive_refusing";
    assertOut(
        run(
            "hive",
            "--input",
            input(1).toString(),
            "--output-table",
            table,
            "--apply",
            "probs=softmax(logits)"),
        "(created)");
    SparkSubmit.Run widened =
        run(
            "hive",
            "--input",
            input(2).toString(),
            "--output-table",
            table,
            "--mode",
            "append",
            "--sql",
            "SELECT id, logits, CAST(softmax(logits) AS ARRAY<DOUBLE>) AS probs FROM input");
    assertEquals(2, widened.code(), widened.err());
    assertEquals(
        List.of(
            "error: cannot write to table "
                + table
                + ": column probs is array<double> here but array<float> there (cast or rename in"
                + " --sql, or write to a new table)"),
        widened.errorLines());
    SparkSubmit.Run runId =
        run(
            "hive",
            "--input",
            input(2).toString(),
            "--output-table",
            table,
            "--mode",
            "append",
            "--apply",
            "probs=softmax(logits)",
            "--run-id",
            "x");
    assertEquals(2, runId.code(), runId.err());
    assertEquals(
        List.of(
            "error: --run-id on a table needs a Delta or Iceberg table, whose commits keep it; "
                + table
                + " is a "
                + DEFAULT_FORMAT
                + " table"),
        runId.errorLines());
    assertRows(readBack(table, "hive"), idsOf(1000, ROWS), "probs", "softmax");
  }

  /**
   * A run id commits once: the table is created in one commit, the same run again writes nothing,
   * the next day's run appends in one more. On a line without the format's package, the driver and
   * the script each say so in one line.
   */
  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void aRunIdCommitsOnce(String format) throws Exception {
    String table = table(format, "probs");
    if (Version.tablePackage(format).isEmpty()) {
      assertFormatMissing(format, table);
      return;
    }
    String[] day1 = day(1, table, format, "day-1");
    assertOut(run(format, day1), "output:     table " + table + " (" + format + ") (created)");
    assertEquals(1, commits(table));
    assertOut(run(format, day1), "run day-1 is already committed to table " + table);
    assertEquals(1, commits(table));
    assertOut(
        run(format, day(2, table, format, "day-2")),
        "output:     table " + table + " (" + format + ") (appended)");
    assertEquals(2, commits(table));
    // Appends only so far: the data files hold exactly the table's rows.
    assertRows(dataFolder(table), idsOf(1000, ROWS, 2000, ROWS), "probs", "softmax");
  }

  private static String[] day(int day, String table, String format, String runId) {
    return new String[] {
      "--input",
      input(day).toString(),
      "--output-table",
      table,
      "--table-format",
      format,
      "--mode",
      "append",
      "--apply",
      "probs=softmax(logits)",
      "--run-id",
      runId
    };
  }

  private static void assertFormatMissing(String format, String table) throws Exception {
    String project = format.equals("delta") ? "Delta Lake" : "Apache Iceberg";
    String lines = "4.1, 4.0 and 3.5";
    SparkSubmit.Run script = run(format, day(1, table, format, "day-1"));
    assertEquals(2, script.code(), script.err());
    assertEquals(
        List.of(
            "spark-submit: "
                + format
                + " publishes no Spark package for Spark "
                + Version.sparkLine()
                + "; it has one for Spark "
                + lines),
        script.err().lines().filter(l -> l.startsWith("spark-submit: ")).toList(),
        script.err());
    SparkSubmit.Run driver = run("hive", day(1, "probs_" + format, format, "day-1"));
    assertEquals(2, driver.code(), driver.err());
    assertEquals(
        List.of(
            "error: "
                + project
                + " publishes no Spark package for Spark "
                + Version.sparkLine()
                + "; it has one for Spark "
                + lines),
        driver.errorLines());
  }

  /**
   * Reading a table and overwriting it in one run adds a column in place (one commit that keeps the
   * table's history); appending to the table a run reads, or appending other types, is refused with
   * the table unchanged.
   */
  @Tag("tables-full")
  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void anOverwriteAddsProbabilitiesInPlaceAndBadWritesChangeNothing(String format)
      throws Exception {
    assumeTrue(!Version.tablePackage(format).isEmpty(), "no " + format + " package for this line");
    String table = table(format, "probs_inplace");
    String[] create = {
      "--input",
      input(1).toString(),
      "--output-table",
      table,
      "--table-format",
      format,
      "--sql",
      "SELECT id, logits FROM input"
    };
    assertOut(run(format, create), "(created)");
    SparkSubmit.Run self =
        run(
            format,
            "--input-table",
            table,
            "--output-table",
            table,
            "--mode",
            "append",
            "--sql",
            "SELECT * FROM input");
    assertEquals(2, self.code(), self.err());
    assertEquals(
        List.of(
            "error: --output-table "
                + table
                + " is the --input-table: only --mode overwrite on a Delta or Iceberg table may"
                + " replace the rows it reads (it reads one snapshot and commits the next); write"
                + " to another table"),
        self.errorLines());
    SparkSubmit.Run wrongType =
        run(
            format,
            "--input",
            input(2).toString(),
            "--output-table",
            table,
            "--mode",
            "append",
            "--sql",
            "SELECT id, CAST(logits AS ARRAY<DOUBLE>) AS logits FROM input");
    assertEquals(2, wrongType.code(), wrongType.err());
    assertTrue(
        wrongType
            .errorLines()
            .get(0)
            .contains("column logits is array<double> here but array<float> there"),
        wrongType.err());

    assertOut(
        run(
            format,
            "--input-table",
            table,
            "--output-table",
            table,
            "--mode",
            "overwrite",
            "--apply",
            "probs=softmax(logits)"),
        "(replaced)");
    assertRows(readBack(table, format), idsOf(1000, ROWS), "probs", "softmax");
  }

  /**
   * kill -9 of the driver during a table append with a run id, once while Spark writes the data
   * files (before the format's commit) and once right after the commit (held there by a fault
   * point); the rerun with the same id leaves every row once and the run in exactly one commit.
   */
  @Tag("tables-full")
  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void aDriverKilledDuringATableAppendIsCompletedByTheRerun(String format) throws Exception {
    assumeTrue(!Version.tablePackage(format).isEmpty(), "no " + format + " package for this line");
    // Through the catalogs users keep across runs: Delta's session catalog in a Hive metastore,
    // and Iceberg's JDBC catalog.
    String table = format.equals("iceberg") ? "jice.db.probs_killed" : "probs_delta_killed";
    String formats = format.equals("iceberg") ? format : "delta,hive";
    assertOut(run(formats, day(1, table, format, "day-1")), "(created)");
    long before = dataFiles(table);

    String[] big = concat(day(3, table, format, "big"), new String[] {"--partitions", "40"});
    Process writing =
        SparkSubmit.startSubmit(with(formats), dir.resolve(format + "-writing.log"), Map.of(), big);
    long deadline = System.currentTimeMillis() + 180_000;
    while (writing.isAlive()
        && dataFiles(table) == before
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(writing.isAlive(), "the run ended before it could be killed");
    writing.destroyForcibly().waitFor();
    System.out.println(
        table
            + ": killed while writing, "
            + (dataFiles(table) - before)
            + " data files written, "
            + commits(table)
            + " commits");
    assertEquals(1, commits(table), "killed before the commit");

    Process committing =
        SparkSubmit.startSubmit(
            with(formats),
            dir.resolve(format + "-committed.log"),
            Map.of(FaultPoints.PAUSE_POINT, "after-table-commit"),
            big);
    deadline = System.currentTimeMillis() + 180_000;
    while (committing.isAlive()
        && !Files.readString(dir.resolve(format + "-committed.log"))
            .contains("paused at after-table-commit")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(committing.isAlive(), Files.readString(dir.resolve(format + "-committed.log")));
    committing.destroyForcibly().waitFor();
    assertEquals(2, commits(table), "killed after the commit");

    assertOut(run(formats, big), "run big is already committed to table " + table);
    assertEquals(2, commits(table));
    assertRows(readBack(table, formats), idsOf(1000, ROWS, 100_000, BIG_ROWS), "probs", "softmax");
  }

  /**
   * Logits landing in a folder stream into a Delta or Iceberg table, which streams on into Parquet:
   * every row once, each activation as the kernels compute it.
   */
  @Tag("tables-full")
  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void logitsStreamIntoATableAndOutOfIt(String format) throws Exception {
    assumeTrue(!Version.tablePackage(format).isEmpty(), "no " + format + " package for this line");
    String table = table(format, "probs_stream");
    assertOut(
        run(
            format,
            "stream",
            "--input",
            input(1).toString(),
            "--output-table",
            table,
            "--table-format",
            format,
            "--checkpoint",
            dir.resolve(format + "-into-table").toString(),
            "--apply",
            "probs=softmax(logits)"),
        "rows in:    " + ROWS);
    Path out = dir.resolve(format + "-out-of-table");
    assertOut(
        run(
            format,
            "stream",
            "--input-table",
            table,
            "--output",
            out.toString(),
            "--checkpoint",
            dir.resolve(format + "-out-of-table-checkpoint").toString(),
            "--apply",
            "p=sigmoid(logits)"),
        "rows in:    " + ROWS);
    assertRows(out, idsOf(1000, ROWS), "probs", "softmax", "p", "sigmoid");
  }

  /**
   * --overwrite-partitions replaces the partitions a run writes and keeps the others: the daily
   * rerun, here of the odd ids' partition with another activation.
   */
  @Tag("tables-full")
  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void overwritingPartitionsKeepsTheOthers(String format) throws Exception {
    assumeTrue(!Version.tablePackage(format).isEmpty(), "no " + format + " package for this line");
    String table = table(format, "probs_partitioned");
    String select = "SELECT id, logits, CAST(id % 2 AS INT) AS part, F(logits) AS probs FROM input";
    String[] into = {"--input", input(1).toString(), "--output-table", table};
    String[] create = {
      "--table-format", format, "--partition-by", "part", "--sql", select.replace("F(", "softmax(")
    };
    assertOut(run(format, concat(into, create)), "(created)");
    String[] rerun = {
      "--overwrite-partitions", "--sql", select.replace("F(", "sigmoid(") + " WHERE id % 2 = 1"
    };
    assertOut(run(format, concat(into, rerun)), "(replaced the partitions it wrote)");
    Path back = readBack(table, format);
    List<Long> ids = idsOf(1000, ROWS);
    assertRows(
        back, "part = 0", ids.stream().filter(id -> id % 2 == 0).toList(), "probs", "softmax");
    assertRows(
        back, "part = 1", ids.stream().filter(id -> id % 2 == 1).toList(), "probs", "sigmoid");
  }

  private static String[] concat(String[] first, String[] second) {
    return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
  }
}
