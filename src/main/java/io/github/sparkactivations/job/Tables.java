package io.github.sparkactivations.job;

import io.github.sparkactivations.core.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Table names, catalogs and formats, as the table source and sink check them. */
final class Tables {

  /** Formats a missing output table can be created in (--table-format). */
  enum Format {
    DELTA("Delta Lake", "org.apache.spark.sql.delta.catalog.DeltaCatalog"),
    ICEBERG("Apache Iceberg", "org.apache.iceberg.spark.SparkCatalog"),
    PARQUET("Parquet", null);

    private final String project;
    private final String probeClass;

    Format(String project, String probeClass) {
      this.project = project;
      this.probeClass = probeClass;
    }

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Fails in one line, naming the package to add, unless the format's jar is loaded. */
    void requireOnClasspath() {
      if (probeClass == null) {
        return;
      }
      try {
        Class.forName(probeClass, false, Tables.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        String coordinates = Version.tablePackage(id());
        throw new UsageException(
            coordinates.isEmpty()
                ? project
                    + " publishes no Spark package for Spark "
                    + Version.sparkLine()
                    + "; it has one for Spark "
                    + Version.tableLines(id())
                : project
                    + "'s jar is not on the classpath: add --packages "
                    + coordinates
                    + " to spark-submit (scripts/spark-submit: --with "
                    + id()
                    + ")");
      }
    }
  }

  private Tables() {}

  /** A name's parts: dots split it, except inside backquotes. */
  static List<String> parts(String name) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (char c : name.toCharArray()) {
      if (c == '`') {
        quoted = !quoted;
      } else if (c == '.' && !quoted) {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  /**
   * The folder of a name in Delta's path form, {@code delta.`/path`}: a table known by its folder
   * alone, which exists once the folder holds Delta's log.
   */
  static Optional<String> deltaPath(String name) {
    List<String> parts = parts(name);
    return parts.size() == 2 && parts.get(0).equalsIgnoreCase("delta") && parts.get(1).contains("/")
        ? Optional.of(parts.get(1))
        : Optional.empty();
  }

  /**
   * Whether the table exists; a Delta path names a table once its folder holds Delta's log (the
   * catalog refuses to look up a folder without one).
   */
  static boolean exists(SparkSession spark, String name) throws Exception {
    Optional<String> folder = deltaPath(name);
    if (folder.isEmpty()) {
      return spark.catalog().tableExists(name);
    }
    Path log = new Path(folder.get(), "_delta_log");
    return Io.fileSystem(log.toString(), spark.sparkContext().hadoopConfiguration()).exists(log);
  }

  /** A name as catalog, namespace and table, lower case: how two names are known to be one. */
  static List<String> identifier(SparkSession spark, String name) {
    List<String> parts = new ArrayList<>();
    for (String part : parts(name)) {
      parts.add(part.toLowerCase(Locale.ROOT));
    }
    if (deltaPath(name).isPresent()) { // a folder's name keeps its case
      parts.set(1, deltaPath(name).get());
    }
    if (parts.size() == 1) {
      parts.add(0, spark.catalog().currentDatabase().toLowerCase(Locale.ROOT));
    }
    if (parts.size() == 2
        || spark.conf().getOption("spark.sql.catalog." + parts.get(0)).isEmpty()) {
      parts.add(0, "spark_catalog");
    }
    return parts;
  }

  /** A three-part name must start with a configured catalog; Spark's own error says less. */
  static void requireCatalog(SparkSession spark, String name, String option) {
    List<String> parts = parts(name);
    String catalog = parts.get(0);
    if (parts.size() >= 3
        && !catalog.equalsIgnoreCase("spark_catalog")
        && spark.conf().getOption("spark.sql.catalog." + catalog).isEmpty()) {
      throw new UsageException(
          option
              + " "
              + name
              + ": no catalog '"
              + catalog
              + "' is configured; set spark.sql.catalog."
              + catalog
              + " (e.g. org.apache.iceberg.spark.SparkCatalog with its type and warehouse), or name"
              + " a table of the session catalog (db.table)");
    }
  }

  /** A table that cannot be resolved, in one line. */
  static UsageException unresolved(String option, String name, Exception e) {
    String reason = RunCommand.firstLine(e);
    return new UsageException(
        reason.contains("TABLE_OR_VIEW_NOT_FOUND")
                || reason.contains("NoSuchTable")
                || reason.contains("DELTA_MISSING_DELTA_TABLE")
                || reason.contains("PATH_NOT_FOUND")
            ? option + " " + name + " does not exist; check the name and its catalog"
            : "cannot resolve " + option + " " + name + ": " + reason);
  }

  /** The table's provider (delta, iceberg, parquet, hive, ...), lower case, or "" if unknown. */
  static String provider(SparkSession spark, String name) {
    for (Row row : spark.sql("DESCRIBE TABLE EXTENDED " + name).collectAsList()) {
      if ("Provider".equals(row.getString(0))) {
        return row.getString(1).strip().toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  /**
   * Writing into an existing table takes its columns as they are: the same names and types, no
   * silent cast (Spark would narrow a double to a float, or widen a float, without a word).
   */
  static void requireSameColumns(String name, StructType table, StructType output) {
    Map<String, String> tableTypes = types(table);
    Map<String, String> outputTypes = types(output);
    List<String> problems = new ArrayList<>();
    outputTypes.forEach(
        (column, type) -> {
          String there = tableTypes.get(column);
          if (there == null) {
            problems.add("column " + column + " is not in the table");
          } else if (!there.equals(type)) {
            problems.add("column " + column + " is " + type + " here but " + there + " there");
          }
        });
    tableTypes.keySet().stream()
        .filter(column -> !outputTypes.containsKey(column))
        .forEach(column -> problems.add("table column " + column + " is not in the output"));
    if (!problems.isEmpty()) {
      throw new UsageException(
          "cannot write to table "
              + name
              + ": "
              + String.join("; ", problems)
              + " (cast or rename in --sql, or write to a new table)");
    }
  }

  private static Map<String, String> types(StructType schema) {
    Map<String, String> types = new LinkedHashMap<>();
    for (StructField field : schema.fields()) {
      types.put(field.name().toLowerCase(Locale.ROOT), field.dataType().catalogString());
    }
    return types;
  }
}
