package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.Io.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
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

  private static final Pattern PROCESSING_TIME =
      Pattern.compile("processing-time=(\\d+)\\s*(ms|s|min)?");

  @Option(
      names = "--input",
      paramLabel = "DIR",
      description = "A folder that receives files (a landing folder).")
  String input;

  @Option(
      names = "--input-table",
      descriptionKey = "input.table",
      paramLabel = "TABLE",
      description =
          "A table instead, read as a stream of what is appended to it (Delta, Iceberg; config key"
              + " input.table).")
  String inputTable;

  @Option(
      names = "--input-format",
      defaultValue = "parquet",
      paramLabel = "FORMAT",
      description = "Files in --input: parquet (default), orc, json or csv (with a header row).")
  FileSource.Format inputFormat;

  @Option(
      names = "--schema",
      paramLabel = "DDL",
      description =
          "Schema of the files, e.g. 'id BIGINT, logits ARRAY<FLOAT>'; inferred from the files"
              + " already in --input when left out.")
  String schema;

  @Option(
      names = "--read-option",
      paramLabel = "KEY=VALUE",
      description =
          "An option of Spark's reader for the --input files (repeatable), e.g. sep=; for CSV or"
              + " cleanSource=delete; checked against the keys the format knows.")
  Map<String, String> readOptions = new LinkedHashMap<>();

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers, for --topic, --topic-pattern and --output-topic.")
  String kafkaBootstrap;

  @Option(
      names = "--kafka-option",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client setting for the source, the sink and the check of the brokers"
              + " (repeatable): security.protocol, sasl.mechanism, sasl.jaas.config,"
              + " ssl.truststore.location, client.id, ... Also kafka.KEY in --config, which keeps"
              + " secrets out of the process list; the command line wins.")
  Map<String, String> kafkaOptions = new LinkedHashMap<>();

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description =
          "A Kafka topic in: JSON values read with --value-schema; key, topic, partition, offset"
              + " and timestamp pass through.")
  String topic;

  @Option(
      names = "--topic-pattern",
      paramLabel = "REGEX",
      description =
          "The Kafka topics whose names match REGEX, instead of --topic (one must exist at the"
              + " start).")
  String topicPattern;

  @Option(
      names = "--starting-offsets",
      paramLabel = "OFFSETS",
      description =
          "Where a new stream starts in its topics: earliest (default), latest, or Spark's JSON"
              + " of offsets per partition. A restart goes on from its checkpoint.")
  String startingOffsets;

  @Option(
      names = "--starting-timestamp",
      paramLabel = "MS",
      description =
          "A new stream starts at the first record of each partition at or after this time (ms"
              + " since the epoch), instead of --starting-offsets.")
  Long startingTimestamp;

  @Option(
      names = "--fail-on-data-loss",
      paramLabel = "BOOL",
      description =
          "true (default): stop when records the stream has not read were deleted (retention) or"
              + " offsets went back; false: go on from what is left.")
  Boolean failOnDataLoss;

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
      names = "--write-option",
      paramLabel = "KEY=VALUE",
      description =
          "An option of Spark's Parquet writer for --output (repeatable); checked against the keys"
              + " it knows.")
  Map<String, String> writeOptions = new LinkedHashMap<>();

  @Option(
      names = "--output-table",
      descriptionKey = "output.table",
      paramLabel = "TABLE",
      description =
          "A table out instead (Delta, Iceberg: exactly once through the checkpoint; config key"
              + " output.table).")
  String outputTable;

  @Option(
      names = "--table-format",
      descriptionKey = "table.format",
      paramLabel = "FORMAT",
      description =
          "delta, iceberg or parquet: the format of an --output-table the stream creates (default:"
              + " its catalog's; config key table.format).")
  Tables.Format tableFormat;

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
    KafkaBrokers brokers = kafkaBootstrap == null ? null : brokers();
    Source source =
        input != null
            ? FileSource.landingFolder(
                input, inputFormat, schema, maxPerTrigger, readOptions, hadoop)
            : inputTable != null
                ? new TableSource(inputTable)
                : new KafkaSource(
                    brokers,
                    topic,
                    topicPattern == null ? null : Pattern.compile(topicPattern),
                    valueSchema,
                    kafkaReadOptions());
    Sink sink =
        output != null
            ? PathSink.stream(output, hadoop, writeOptions)
            : outputTable != null
                ? TableSink.stream(outputTable, tableFormat)
                : new KafkaSink(brokers, outputTopic);
    sink.beforeStream(source);
    source.check();
    Path checkpointPath = prepareCheckpoint(hadoop); // once the brokers took the client

    long start = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("activation-stream").getOrCreate();
    // Adaptive execution does not apply to streams; Spark warns when it is on (as conf/ sets it).
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    Dataset<Row> result = transformation.over(spark, source.readStream(spark));
    recordTransformation(hadoop, checkpointPath);

    Progress progress = new Progress();
    spark.streams().addListener(progress);
    StreamingQuery query = sink.startStream(result, checkpoint, parsedTrigger);
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
    printSummary(source, sink, progress, (System.nanoTime() - start) / 1e9, stopRequested.get());
    return 0;
  }

  /** The brokers, with the client settings of --config (kafka.KEY) and --kafka-option. */
  private KafkaBrokers brokers() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (config != null) {
      ActivationJob.readConfig(config)
          .forEach(
              (key, value) -> {
                if (key.toString().startsWith("kafka.")) {
                  settings.put(key.toString().substring("kafka.".length()), value.toString());
                }
              });
    }
    settings.putAll(kafkaOptions);
    return new KafkaBrokers(kafkaBootstrap, settings);
  }

  /** Spark's Kafka source options beyond the brokers and the subscription. */
  private Map<String, String> kafkaReadOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    if (startingOffsets != null) {
      options.put("startingOffsets", startingOffsets);
    }
    if (startingTimestamp != null) {
      options.put("startingTimestamp", startingTimestamp.toString());
    }
    if (failOnDataLoss != null) {
      options.put("failOnDataLoss", failOnDataLoss.toString());
    }
    if (maxPerTrigger != null) {
      options.put("maxOffsetsPerTrigger", maxPerTrigger.toString());
    }
    return options;
  }

  private Trigger validateOptions() {
    long sources =
        Stream.of(input, inputTable, topic, topicPattern).filter(Objects::nonNull).count();
    if (sources != 1) {
      throw new UsageException(
          sources == 0
              ? "nothing to read: give --input DIR (a landing folder), --input-table TABLE or"
                  + " --topic (or --topic-pattern) with --kafka-bootstrap"
              : "give one of --input, --input-table, --topic and --topic-pattern");
    }
    boolean kafkaIn = topic != null || topicPattern != null;
    if (!kafkaIn
        && (startingOffsets != null || startingTimestamp != null || failOnDataLoss != null)) {
      throw new UsageException(
          "--starting-offsets, --starting-timestamp and --fail-on-data-loss apply to --topic and"
              + " --topic-pattern only");
    }
    if (startingOffsets != null && startingTimestamp != null) {
      throw new UsageException("give either --starting-offsets or --starting-timestamp, not both");
    }
    if (startingOffsets != null
        && !startingOffsets.equals("earliest")
        && !startingOffsets.equals("latest")
        && !startingOffsets.strip().startsWith("{")) {
      throw new UsageException(
          "--starting-offsets must be earliest, latest or Spark's JSON of offsets per partition"
              + " (e.g. '{\"logits\":{\"0\":42,\"1\":-2}}', -2 for earliest, -1 for latest), got '"
              + startingOffsets
              + "'");
    }
    if (topicPattern != null) {
      try {
        Pattern.compile(topicPattern);
      } catch (PatternSyntaxException e) {
        throw new UsageException(
            "--topic-pattern '"
                + topicPattern
                + "' is not a regular expression: "
                + e.getDescription());
      }
    }
    if (input == null && !readOptions.isEmpty()) {
      throw new UsageException("--read-option applies to --input files only");
    }
    if (output == null && !writeOptions.isEmpty()) {
      throw new UsageException("--write-option applies to --output only");
    }
    if (!kafkaOptions.isEmpty() && !kafkaIn && outputTopic == null) {
      throw new UsageException(
          "--kafka-option applies to --topic, --topic-pattern and --output-topic only");
    }
    long sinks = Stream.of(output, outputTable, outputTopic).filter(Objects::nonNull).count();
    if (sinks != 1) {
      throw new UsageException(
          sinks == 0
              ? "nowhere to write: give --output DIR (Parquet), --output-table TABLE or"
                  + " --output-topic with --kafka-bootstrap"
              : "give one of --output, --output-table and --output-topic");
    }
    if (tableFormat != null && outputTable == null) {
      throw new UsageException("--table-format applies to --output-table only");
    }
    if ((kafkaIn || outputTopic != null) && kafkaBootstrap == null) {
      throw new UsageException(
          "--topic, --topic-pattern and --output-topic need --kafka-bootstrap HOST:PORT");
    }
    if (kafkaIn && valueSchema == null) {
      throw new UsageException(
          (topic != null ? "--topic" : "--topic-pattern")
              + " needs --value-schema 'DDL' for its JSON values, e.g. 'id BIGINT, logits"
              + " ARRAY<FLOAT>'");
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

  private Path prepareCheckpoint(Configuration hadoop) {
    Path path = new Path(checkpoint);
    FileSystem fs = Io.fileSystem(checkpoint, hadoop);
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
      if (startingOffsets != null || startingTimestamp != null) {
        out.println(
            "note: --checkpoint "
                + checkpoint
                + " holds a stream already; it goes on from its offsets, and --starting-offsets"
                + " and --starting-timestamp apply to new checkpoints only");
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
    FileSystem fs = Io.fileSystem(checkpoint, hadoop);
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
      Row metrics = p.observedMetrics().get(KafkaSource.METRICS);
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

  private void printSummary(
      Source source, Sink sink, Progress progress, double seconds, boolean stopped) {
    out.println();
    out.println("Activation stream summary");
    out.printf("  batches:    %,d%s%n", progress.batches, stopped ? " (stopped by a signal)" : "");
    out.printf("  rows in:    %,d%n", progress.rows.get());
    if (source instanceof KafkaSource) {
      out.printf("  malformed:  %,d (skipped)%n", progress.malformed.get());
    }
    transformation.print(out);
    out.println("  input:      " + source.describe());
    out.println("  output:     " + sink.describe());
    out.println("  checkpoint: " + checkpoint);
    out.printf("  time:       %.1f s%n", seconds);
    out.printf(
        "  throughput: %,d rows/s%n", Math.round(progress.rows.get() / Math.max(seconds, 1e-9)));
  }
}
