package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.Io.io;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code stream}: the activations of {@code run} on logits as they arrive, from a landing folder or
 * a Kafka topic into Parquet (Spark's file sink: exactly once) or a Kafka topic, with a checkpoint
 * that remembers what was processed and what the stream computes.
 */
@Command(
    name = "stream",
    description =
        "Apply activations to logits as they arrive: a landing folder or a Kafka topic in,"
            + " Parquet or a Kafka topic out, restartable from --checkpoint.",
    mixinStandardHelpOptions = true,
    versionProvider = ActivationJob.VersionProvider.class,
    sortOptions = false)
final class StreamCommand implements Callable<Integer> {

  /** What the stream computes, kept in the checkpoint: a restart must compute the same. */
  static final String CHECKPOINT_RECORD = "activations.json";

  /** The column from_json fills with a Kafka value that does not match --value-schema. */
  private static final String MALFORMED = "_malformed_value";

  private static final String METRICS = "activations";
  private static final Pattern PROCESSING_TIME =
      Pattern.compile("processing-time=(\\d+)\\s*(ms|s|min)?");

  @Option(
      names = "--input",
      paramLabel = "DIR",
      description = "A folder that receives files (a landing folder).")
  String input;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      paramLabel = "FORMAT",
      description = "Files in --input: parquet (default), orc, json or csv (with a header row).")
  RunCommand.InputFormat inputFormat;

  @Option(
      names = "--schema",
      paramLabel = "DDL",
      description =
          "Schema of the files, e.g. 'id BIGINT, logits ARRAY<FLOAT>'; inferred from the files"
              + " already in --input when left out.")
  String schema;

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers, for --topic and --output-topic.")
  String kafkaBootstrap;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description =
          "A Kafka topic in (from its earliest offsets): JSON values read with --value-schema; key,"
              + " topic, partition, offset and timestamp pass through.")
  String topic;

  @Option(
      names = "--value-schema",
      paramLabel = "DDL",
      description = "Schema of the JSON values of --topic, e.g. 'id BIGINT, logits ARRAY<FLOAT>'.")
  String valueSchema;

  @Mixin Transformation transformation;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Parquet folder out (Spark's file sink: every row exactly once).")
  String output;

  @Option(
      names = "--output-topic",
      paramLabel = "TOPIC",
      description =
          "A Kafka topic out instead: each row a JSON value (key kept from a Kafka input).")
  String outputTopic;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "DIR",
      description = "Where the stream records its progress; restart with the same to go on.")
  String checkpoint;

  @Option(
      names = "--trigger",
      defaultValue = "available-now",
      paramLabel = "TRIGGER",
      description =
          "available-now (default: process what is there, then stop) or processing-time=10s"
              + " (a micro-batch every 10 s until stopped).")
  String trigger;

  @Option(
      names = "--max-per-trigger",
      paramLabel = "N",
      description = "At most N files (folder) or N records (Kafka) per micro-batch.")
  Integer maxPerTrigger;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with the same keys as these options; the command line wins.")
  String config;

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  private final PrintStream out;

  StreamCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    Trigger parsedTrigger = validateOptions();
    transformation.validate();
    Configuration hadoop = SparkHadoopUtil.get().newConfiguration(new SparkConf());
    StructType fileSchema = input == null ? null : fileSchema(hadoop);
    StructType kafkaSchema = topic == null ? null : ddl("--value-schema", valueSchema);
    Path checkpointPath = prepareCheckpoint(hadoop);
    if (output != null) {
      refuseForeignOutput(hadoop);
    }
    if (kafkaBootstrap != null) {
      checkKafka();
    }

    long start = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("activation-stream").getOrCreate();
    // Adaptive execution does not apply to streams; Spark warns when it is on (as conf/ sets it).
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    Dataset<Row> source = topic != null ? kafka(spark, kafkaSchema) : folder(spark, fileSchema);
    Dataset<Row> result = transformation.over(spark, source);
    recordTransformation(hadoop, checkpointPath);

    Progress progress = new Progress();
    spark.streams().addListener(progress);
    StreamingQuery query = sink(result).trigger(parsedTrigger).start();
    AtomicBoolean stopRequested = new AtomicBoolean();
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(
          new Signal(name),
          signal -> {
            stopRequested.set(true);
            out.println("stopping after the current micro-batch (SIG" + name + ")");
          });
    }
    try {
      while (!query.awaitTermination(100)) {
        if (stopRequested.get() && !query.status().isTriggerActive()) {
          query.stop(); // between micro-batches: the checkpoint is complete
        }
      }
    } catch (StreamingQueryException e) {
      throw new IllegalStateException(
          "the stream failed in micro-batch " + progress.lastBatch + ": " + RunCommand.firstLine(e),
          e);
    }
    // Listeners hear of progress asynchronously: the summary waits for the last of it.
    progress.terminated.await(30, TimeUnit.SECONDS);
    printSummary(progress, (System.nanoTime() - start) / 1e9, stopRequested.get());
    return 0;
  }

  private Trigger validateOptions() {
    if ((input == null) == (topic == null)) {
      throw new UsageException(
          input == null
              ? "nothing to read: give --input DIR (a landing folder) or --topic with --kafka-bootstrap"
              : "give either --input or --topic, not both");
    }
    if ((output == null) == (outputTopic == null)) {
      throw new UsageException(
          output == null
              ? "nowhere to write: give --output DIR (Parquet) or --output-topic with --kafka-bootstrap"
              : "give either --output or --output-topic, not both");
    }
    if ((topic != null || outputTopic != null) && kafkaBootstrap == null) {
      throw new UsageException("--topic and --output-topic need --kafka-bootstrap HOST:PORT");
    }
    if (topic != null && valueSchema == null) {
      throw new UsageException(
          "--topic needs --value-schema 'DDL' for its JSON values, e.g. 'id BIGINT, logits ARRAY<FLOAT>'");
    }
    if (maxPerTrigger != null && maxPerTrigger < 1) {
      throw new UsageException("--max-per-trigger must be at least 1, got " + maxPerTrigger);
    }
    if (trigger.equals("available-now")) {
      return Trigger.AvailableNow();
    }
    Matcher m = PROCESSING_TIME.matcher(trigger.strip());
    if (!m.matches()) {
      throw new UsageException(
          "--trigger must be available-now or processing-time=<n>[ms|s|min], got '"
              + trigger
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    long millis =
        switch (unit) {
          case "ms" -> n;
          case "min" -> TimeUnit.MINUTES.toMillis(n);
          default -> TimeUnit.SECONDS.toMillis(n);
        };
    return Trigger.ProcessingTime(millis);
  }

  private static StructType ddl(String option, String text) {
    try {
      return StructType.fromDDL(text);
    } catch (Exception e) {
      throw new UsageException(
          option
              + " does not parse: "
              + RunCommand.firstLine(e)
              + " (e.g. 'id BIGINT, logits ARRAY<FLOAT>')");
    }
  }

  /** --schema, or none (inferred by Spark) when the folder already has files to read it from. */
  private StructType fileSchema(Configuration hadoop) {
    Path folder = new Path(input);
    FileSystem fs = RunCommand.fileSystem(input, hadoop);
    if (!io(() -> fs.isDirectory(folder))) {
      throw new UsageException(
          "--input " + input + " is not a folder; create it, or check the path");
    }
    if (schema != null) {
      return ddl("--schema", schema);
    }
    boolean hasFiles =
        Arrays.stream(io(() -> fs.listStatus(folder)))
            .map(FileStatus::getPath)
            .anyMatch(p -> !p.getName().startsWith("_") && !p.getName().startsWith("."));
    if (!hasFiles) {
      throw new UsageException(
          "--input "
              + input
              + " is empty, so its schema cannot be inferred; give --schema 'DDL', e.g. 'id BIGINT,"
              + " logits ARRAY<FLOAT>'");
    }
    return null;
  }

  private Dataset<Row> folder(SparkSession spark, StructType given) {
    String format = inputFormat.name().toLowerCase(Locale.ROOT);
    StructType fileSchema = given;
    if (fileSchema == null) {
      try {
        fileSchema = RunCommand.reader(spark, inputFormat).load(input).schema();
      } catch (Exception e) {
        throw new UsageException(
            "cannot read the files in --input "
                + input
                + " as "
                + format
                + ": "
                + RunCommand.firstLine(e)
                + " (check --input-format, or give --schema)");
      }
    }
    DataStreamReader reader = spark.readStream().format(format).schema(fileSchema);
    if (inputFormat == RunCommand.InputFormat.CSV) {
      reader = reader.option("header", "true");
    }
    if (maxPerTrigger != null) {
      reader = reader.option("maxFilesPerTrigger", maxPerTrigger);
    }
    return reader.load(input);
  }

  /**
   * The topic's records: key, topic, partition, offset and timestamp, then the fields of the JSON
   * value. A value that does not match the schema is counted as malformed and skipped.
   */
  private Dataset<Row> kafka(SparkSession spark, StructType values) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", kafkaBootstrap)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest");
    if (maxPerTrigger != null) {
      reader = reader.option("maxOffsetsPerTrigger", maxPerTrigger);
    }
    StructType withMalformed = values.add(MALFORMED, DataTypes.StringType);
    Column value =
        from_json(
            col("value").cast("string"),
            withMalformed,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", MALFORMED));
    Dataset<Row> parsed =
        reader
            .load()
            .withColumn("value", value)
            .select(
                col("key"),
                col("topic"),
                col("partition"),
                col("offset"),
                col("timestamp"),
                col("value.*"));
    return parsed
        .observe(METRICS, sum(when(col(MALFORMED).isNotNull(), 1).otherwise(0)).as("malformed"))
        .filter(col(MALFORMED).isNull())
        .drop(MALFORMED);
  }

  private DataStreamWriter<Row> sink(Dataset<Row> result) {
    if (output != null) {
      return result
          .writeStream()
          .format("parquet")
          .option("path", output)
          .option("checkpointLocation", checkpoint);
    }
    List<Column> fields =
        Arrays.stream(result.columns())
            .filter(c -> !c.equals("key"))
            .map(c -> col("`" + c + "`"))
            .toList();
    Column value = to_json(struct(fields.toArray(Column[]::new))).as("value");
    Dataset<Row> records =
        Arrays.asList(result.columns()).contains("key")
            ? result.select(col("key"), value)
            : result.select(lit(null).cast("binary").as("key"), value);
    return records
        .writeStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", kafkaBootstrap)
        .option("topic", outputTopic)
        .option("checkpointLocation", checkpoint);
  }

  private Path prepareCheckpoint(Configuration hadoop) {
    Path path = new Path(checkpoint);
    FileSystem fs = RunCommand.fileSystem(checkpoint, hadoop);
    try {
      if (!fs.mkdirs(path)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new UsageException(
          "cannot create --checkpoint "
              + checkpoint
              + ": "
              + RunCommand.firstLine(e)
              + " (choose a writable folder)");
    }
    Path record = new Path(path, CHECKPOINT_RECORD);
    if (io(() -> fs.exists(record))) {
      List<String> recorded;
      try (InputStream stream = fs.open(record)) {
        recorded = Arrays.asList(new ObjectMapper().readValue(stream, String[].class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!recorded.equals(transformation.describe())) {
        throw new UsageException(
            "--checkpoint "
                + checkpoint
                + " belongs to a stream that computes ["
                + String.join("; ", recorded)
                + "], not ["
                + String.join("; ", transformation.describe())
                + "]; use a new --checkpoint to change what the stream computes");
      }
    }
    return path;
  }

  /** Written once the query analysed: a restart is compared with it. */
  private void recordTransformation(Configuration hadoop, Path checkpointPath) {
    FileSystem fs = RunCommand.fileSystem(checkpoint, hadoop);
    Path record = new Path(checkpointPath, CHECKPOINT_RECORD);
    if (io(() -> fs.exists(record))) {
      return;
    }
    try (OutputStream stream = fs.create(record, false)) {
      new ObjectMapper().writeValue(stream, transformation.describe());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder of other files is not the file sink's: refuse rather than mix with them. */
  private void refuseForeignOutput(Configuration hadoop) {
    Path path = new Path(output);
    FileSystem fs = RunCommand.fileSystem(output, hadoop);
    if (io(() -> fs.exists(path))
        && io(() -> fs.listStatus(path)).length > 0
        && !io(() -> fs.exists(new Path(path, "_spark_metadata")))) {
      throw new UsageException(
          "--output "
              + output
              + " holds files that no stream wrote; choose an empty or new folder");
    }
    if (input != null) {
      RunCommand.refuseOverlap(output, List.of(input), hadoop);
    }
  }

  private void checkKafka() {
    try {
      KafkaTopics.check(kafkaBootstrap, topic);
    } catch (NoClassDefFoundError e) {
      throw new UsageException(
          "Spark's Kafka connector is not on the classpath: add --packages"
              + " org.apache.spark:spark-sql-kafka-0-10_"
              + Version.scalaBinaryVersion()
              + ":"
              + org.apache.spark.package$.MODULE$.SPARK_VERSION()
              + " to spark-submit");
    }
  }

  /** One line per micro-batch; totals for the summary. */
  private final class Progress extends StreamingQueryListener {
    volatile long batches;
    volatile long lastBatch = -1;
    final AtomicLong rows = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final CountDownLatch terminated = new CountDownLatch(1);

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      StreamingQueryProgress p = event.progress();
      if (!p.durationMs().containsKey("addBatch")) {
        return; // an idle trigger: no micro-batch ran
      }
      lastBatch = p.batchId();
      batches++;
      rows.addAndGet(p.numInputRows());
      Row metrics = p.observedMetrics().get(METRICS);
      long bad = metrics == null || metrics.isNullAt(0) ? 0 : metrics.getLong(0);
      malformed.addAndGet(bad);
      out.printf(
          "batch %d: %,d rows%s, %,.0f rows/s, %,d ms%n",
          p.batchId(),
          p.numInputRows(),
          bad == 0 ? "" : String.format(" (%,d malformed, skipped)", bad),
          p.processedRowsPerSecond(),
          p.durationMs().get("triggerExecution"));
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      terminated.countDown(); // after the query's last progress event
    }
  }

  private void printSummary(Progress progress, double seconds, boolean stopped) {
    out.println();
    out.println("Activation stream summary");
    out.printf("  batches:    %,d%s%n", progress.batches, stopped ? " (stopped by a signal)" : "");
    out.printf("  rows in:    %,d%n", progress.rows.get());
    if (topic != null) {
      out.printf("  malformed:  %,d (skipped)%n", progress.malformed.get());
    }
    transformation.print(out);
    out.println(
        "  input:      " + (input != null ? input : "kafka " + kafkaBootstrap + " topic " + topic));
    out.println(
        "  output:     "
            + (output != null ? output : "kafka " + kafkaBootstrap + " topic " + outputTopic));
    out.println("  checkpoint: " + checkpoint);
    out.printf("  time:       %.1f s%n", seconds);
    out.printf(
        "  throughput: %,d rows/s%n", Math.round(progress.rows.get() / Math.max(seconds, 1e-9)));
  }
}
