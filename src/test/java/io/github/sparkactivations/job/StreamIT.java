package io.github.sparkactivations.job;

import static io.github.sparkactivations.RowArrays.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream command end to end through SparkSubmit: a landing folder or a real Kafka broker
 * (scripts/kafka.sh, Kafka's own jars) in, Parquet or Kafka out. Every output row is checked
 * against the core kernels, and every input row must arrive exactly once.
 */
class StreamIT {

  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 500;
  private static final int RECORDS = 400;

  @TempDir static Path dir;
  private static Path landing;
  private static String bootstrap;

  @BeforeAll
  static void landingFolderAndBroker() throws Exception {
    landing = dir.resolve("landing");
    // One file per micro-batch with --max-per-trigger 1.
    SparkTestSession.get()
        .range(0, FILES * ROWS_PER_FILE, 1, FILES)
        .selectExpr(
            "id", "transform(sequence(0, 9), i -> CAST(sin(id * 3 + i) * 7 AS FLOAT)) AS logits")
        .write()
        .parquet(landing.toString());
    int port = ServerScript.freePort();
    bootstrap = "127.0.0.1:" + port;
    ServerScript.run("kafka", dir.resolve("kafka"), "start", "--port", Integer.toString(port));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    ServerScript.run("kafka", dir.resolve("kafka"), "stop");
  }

  private static String[] folderStream(Path output, Path checkpoint, String apply, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--input",
                landing.toString(),
                "--output",
                output.toString(),
                "--checkpoint",
                checkpoint.toString(),
                "--apply",
                apply,
                "--max-per-trigger",
                "1"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Every id of the landing folder exactly once, with its softmax as the core kernel gives it. */
  private static void assertExactlyOnce(Path output, int rows) {
    List<Row> out =
        SparkTestSession.get().read().parquet(output.toString()).orderBy("id").collectAsList();
    long distinct = out.stream().map(r -> r.getLong(0)).distinct().count();
    System.out.println(
        output.getFileName()
            + ": rows in "
            + rows
            + ", rows out "
            + out.size()
            + ", duplicates "
            + (out.size() - distinct));
    assertEquals(rows, out.size(), "rows out");
    assertEquals(rows, distinct, "distinct ids");
    Spec softmax = Spec.parse("softmax");
    for (int i = 0; i < rows; i++) {
      Row row = out.get(i);
      assertEquals(i, row.getLong(0));
      float[] logits = floats(row.getList(1));
      float[] expected = new float[logits.length];
      softmax.apply(logits, 0, logits.length, expected, 0);
      assertArrayEquals(expected, floats(row.getList(2)));
    }
  }

  private static int committedBatches(Path output) throws IOException {
    Path log = output.resolve("_spark_metadata");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(log)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  @Tag("faults")
  @Test
  void killedMidStreamThenRestartedEveryRowArrivesOnce() throws Exception {
    Path output = dir.resolve("killed");
    Path checkpoint = dir.resolve("killed-checkpoint");
    Process process =
        SparkSubmit.start(
            "local[2]",
            dir.resolve("killed.log"),
            folderStream(output, checkpoint, "probs=softmax(logits)"));
    long deadline = System.currentTimeMillis() + 180_000;
    while (process.isAlive()
        && committedBatches(output) < 2
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(
        process.isAlive(),
        "the stream ended before it could be killed: "
            + Files.readString(dir.resolve("killed.log")));
    process.destroyForcibly().waitFor();
    int before = committedBatches(output);
    System.out.println("killed after " + before + " of " + FILES + " micro-batches");
    assertTrue(before < FILES, "killed in the middle");

    SparkSubmit.Run restart =
        SparkSubmit.local(folderStream(output, checkpoint, "probs=softmax(logits)"));
    assertEquals(0, restart.code(), restart.err());
    assertTrue(restart.out().contains("Activation stream summary"), restart.out());
    assertExactlyOnce(output, FILES * ROWS_PER_FILE);

    SparkSubmit.Run changed =
        SparkSubmit.local(folderStream(output, checkpoint, "probs=sigmoid(logits)"));
    assertEquals(2, changed.code(), changed.err());
    assertEquals(
        List.of(
            "error: --checkpoint "
                + checkpoint
                + " belongs to a stream that computes [applied: probs = softmax of logits], not"
                + " [applied: probs = sigmoid of logits]; use a new --checkpoint to change what the"
                + " stream computes"),
        changed.errorLines());
  }

  /** SIGTERM between micro-batches: exit 0, and the rest follows on the next run. */
  @Tag("faults")
  @Test
  void sigtermStopsAfterTheCurrentBatch() throws Exception {
    Path output = dir.resolve("stopped");
    Path checkpoint = dir.resolve("stopped-checkpoint");
    Path log = dir.resolve("stopped.log");
    Process process =
        SparkSubmit.start(
            "local[2]",
            log,
            folderStream(
                output, checkpoint, "probs=softmax(logits)", "--trigger", "processing-time=1s"));
    long deadline = System.currentTimeMillis() + 180_000;
    while (process.isAlive()
        && !Files.readString(log).contains("batch 1:")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "the stream ended before the signal: " + Files.readString(log));
    assertTrue(Files.readString(log).contains("batch 1:"), "no batch before the signal");
    process.destroy(); // SIGTERM
    // From the signal: the current micro-batch (one file of 500 rows) and the stop.
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the stream did not stop within 60 s");
    String text = Files.readString(log);
    assertEquals(0, process.exitValue(), text);
    assertTrue(text.contains("stopping after the current micro-batch (SIGTERM)"), text);
    assertTrue(text.contains("(stopped by a signal)"), text);
    int done = committedBatches(output);
    assertTrue(done >= 2 && done < FILES, done + " of " + FILES + " batches before the stop");

    SparkSubmit.Run rest =
        SparkSubmit.local(folderStream(output, checkpoint, "probs=softmax(logits)"));
    assertEquals(0, rest.code(), rest.err());
    assertTrue(
        rest.out().contains(String.format("rows in:    %,d", (FILES - done) * ROWS_PER_FILE)),
        "the restart processes what the stop left: " + rest.out());
    assertExactlyOnce(output, FILES * ROWS_PER_FILE);
  }

  private static void createTopic(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** A stream from the topic "logits" (JSON values) with this checkpoint, sink and activations. */
  private static SparkSubmit.Run kafkaStream(String checkpoint, String... sinkAndApply)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--kafka-bootstrap",
                bootstrap,
                "--topic",
                "logits",
                "--value-schema",
                "id BIGINT, logits ARRAY<DOUBLE>",
                "--checkpoint",
                dir.resolve(checkpoint).toString()));
    args.addAll(List.of(sinkAndApply));
    return SparkSubmit.local(args.toArray(String[]::new));
  }

  private static void produce(String topic, List<String> values) throws Exception {
    createTopic(topic);
    Properties config = new Properties();
    config.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, values.get(i)));
      }
    }
  }

  private static String logitsJson(int id) {
    StringBuilder json = new StringBuilder("{\"id\":" + id + ",\"logits\":[");
    for (int i = 0; i < 8; i++) {
      json.append(i == 0 ? "" : ",").append(Math.cos(id * 5 + i) * 9);
    }
    return json.append("]}").toString();
  }

  private static double[] logitsOf(int id) {
    return IntStream.range(0, 8).mapToDouble(i -> Math.cos(id * 5 + i) * 9).toArray();
  }

  @Test
  void kafkaToParquetAndKafkaToKafka() throws Exception {
    List<String> values = new ArrayList<>();
    for (int id = 0; id < RECORDS; id++) {
      values.add(logitsJson(id));
    }
    values.add(150, "not json at all");
    values.add(300, "{\"id\": \"seven\", \"logits\": [1, 2]}");
    produce("logits", values);

    Path output = dir.resolve("from-kafka");
    SparkSubmit.Run run =
        kafkaStream(
            "from-kafka-checkpoint",
            "--output",
            output.toString(),
            "--apply",
            "probs=softmax(logits)");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("  malformed:  2 (skipped)"), run.out());
    assertTrue(run.out().contains("  rows in:    " + (RECORDS + 2)), run.out());
    List<Row> rows =
        SparkTestSession.get().read().parquet(output.toString()).orderBy("id").collectAsList();
    assertEquals(RECORDS, rows.size());
    Spec softmax = Spec.parse("softmax");
    for (int id = 0; id < RECORDS; id++) {
      Row row = rows.get(id);
      assertEquals(id, row.<Long>getAs("id"));
      assertEquals(
          "k" + (id + (id >= 150 ? 1 : 0) + (id >= 299 ? 1 : 0)),
          new String(row.<byte[]>getAs("key")));
      assertEquals("logits", row.getAs("topic"));
      double[] expected = new double[8];
      softmax.apply(logitsOf(id), 0, 8, expected, 0);
      assertArrayEquals(
          expected,
          row.getList(row.fieldIndex("probs")).stream().mapToDouble(v -> (Double) v).toArray());
    }

    createTopic("probs");
    SparkSubmit.Run toKafka =
        kafkaStream(
            "to-kafka-checkpoint",
            "--output-topic",
            "probs",
            "--apply",
            "p=sigmoid(id)",
            "--apply",
            "probs=softmax(logits)");
    assertEquals(0, toKafka.code(), toKafka.err());
    Map<Long, JsonNode> received = consume("probs", RECORDS);
    assertEquals(RECORDS, received.size());
    for (int id = 0; id < RECORDS; id++) {
      JsonNode value = received.get((long) id);
      double[] expected = new double[8];
      softmax.apply(logitsOf(id), 0, 8, expected, 0);
      double[] probs = new double[8];
      for (int i = 0; i < 8; i++) {
        probs[i] = value.get("probs").get(i).asDouble();
      }
      assertArrayEquals(expected, probs);
      assertEquals(Spec.parse("sigmoid").apply((double) id), value.get("p").asDouble());
    }
  }

  /** The output topic's values by id; fails on a duplicate. */
  private static Map<Long, JsonNode> consume(String topic, int expected) throws Exception {
    Properties config = new Properties();
    config.put("bootstrap.servers", bootstrap);
    config.put("group.id", "stream-it");
    config.put("auto.offset.reset", "earliest");
    Map<Long, JsonNode> values = new java.util.TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (values.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          JsonNode value = json.readTree(record.value());
          assertTrue(
              values.put(value.get("id").asLong(), value) == null, "duplicate " + record.value());
        }
      }
    }
    return values;
  }

  @Test
  void anUnreachableBrokerFailsInBoundedTime() throws Exception {
    SparkSubmit.runtimeReady();
    int port = ServerScript.freePort();
    long start = System.nanoTime();
    SparkSubmit.Run run =
        SparkSubmit.local(
            "stream",
            "--kafka-bootstrap",
            "127.0.0.1:" + port,
            "--topic",
            "logits",
            "--value-schema",
            "id BIGINT",
            "--output",
            dir.resolve("never").toString(),
            "--checkpoint",
            dir.resolve("never-checkpoint").toString(),
            "--apply",
            "p=sigmoid(id)",
            "--kafka-option",
            "default.api.timeout.ms=3000");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, run.code(), run.err());
    assertEquals(
        List.of(
            "error: cannot reach Kafka at 127.0.0.1:"
                + port
                + " within 3 s (default.api.timeout.ms); check --kafka-bootstrap, that the brokers"
                + " run, and that the client speaks their protocol (--kafka-option"
                + " security.protocol=SSL, SASL_SSL, ...)"),
        run.errorLines());
    // The client's timeout, plus the process's own start (JVM, Spark's classes) on a loaded 2-core
    // machine.
    assertTrue(seconds < 3 + 60, "took " + seconds + " s");
  }

  @Test
  void badStreamInputIsOneLineAndExitCode2() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-landing"));
    String out = dir.resolve("bad-out").toString();
    String checkpoint = dir.resolve("bad-checkpoint").toString();
    Path foreign = Files.createDirectories(dir.resolve("not-a-stream-output"));
    Files.writeString(foreign.resolve("report.csv"), "a,b\n");
    Map<String, String[]> cases =
        Map.of(
            "is empty, so its schema cannot be inferred; give --schema 'DDL'",
            new String[] {
              "--input",
              empty.toString(),
              "--output",
              out,
              "--checkpoint",
              checkpoint,
              "--apply",
              "p=sigmoid(x)"
            },
            "--schema does not parse:",
            new String[] {
              "--input",
              empty.toString(),
              "--schema",
              "id BIGINT, logits ARRAY<FLOAT",
              "--output",
              out,
              "--checkpoint",
              checkpoint,
              "--apply",
              "p=sigmoid(x)"
            },
            "cannot create --checkpoint /proc/activations-checkpoint:",
            new String[] {
              "--input",
              landing.toString(),
              "--output",
              out,
              "--checkpoint",
              "/proc/activations-checkpoint",
              "--apply",
              "p=softmax(logits)"
            },
            "topic 'no-such-topic' does not exist on "
                + bootstrap
                + "; create it, or check --topic",
            new String[] {
              "--kafka-bootstrap",
              bootstrap,
              "--topic",
              "no-such-topic",
              "--value-schema",
              "id BIGINT",
              "--output",
              out,
              "--checkpoint",
              checkpoint,
              "--apply",
              "p=sigmoid(id)"
            },
            "--value-schema does not parse:",
            new String[] {
              "--kafka-bootstrap",
              bootstrap,
              "--topic",
              "logits",
              "--value-schema",
              "id BIGNUM",
              "--output",
              out,
              "--checkpoint",
              checkpoint,
              "--apply",
              "p=sigmoid(id)"
            },
            "--output "
                + foreign
                + " holds files that no stream wrote; choose an empty or new folder",
            new String[] {
              "--input",
              landing.toString(),
              "--output",
              foreign.toString(),
              "--checkpoint",
              checkpoint,
              "--apply",
              "p=softmax(logits)"
            });
    for (var c : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("stream"));
      args.addAll(List.of(c.getValue()));
      SparkSubmit.Run run = SparkSubmit.local(args.toArray(String[]::new));
      assertEquals(2, run.code(), c.getKey() + ": " + run.err());
      assertEquals(1, run.errorLines().size(), run.err());
      assertTrue(run.errorLines().get(0).contains(c.getKey()), run.err());
      assertTrue(!Files.exists(Path.of(out)), "nothing written");
    }
  }
}
