package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * The stream command against a secured broker (scripts/kafka.sh start --security sasl_ssl: TLS with
 * the project's own CA, SASL/SCRAM-SHA-512): the client settings come from kafka.* keys of a
 * --config file; the right ones stream exactly as on plaintext, wrong ones are one line each, and
 * the password appears in no output, log or checkpoint file. Also where a stream starts and what it
 * subscribes to. On the default line only (tag kafka-full): the other lines' Kafka connectors take
 * kafka.* options the same way.
 */
@Tag("kafka-full")
class SecureKafkaIT {

  private static final int RECORDS = 300;

  @TempDir static Path dir;
  private static String bootstrap;

  /** The broker's client settings (client.properties), for the test's own clients. */
  private static Properties client;

  /** The same as the driver's --config: kafka.KEY=VALUE. */
  private static Path config;

  private static String password;

  @BeforeAll
  static void securedBroker() throws Exception {
    int port = ServerScript.freePort();
    bootstrap = "127.0.0.1:" + port;
    ServerScript.run(
        "kafka",
        dir.resolve("kafka"),
        "start",
        "--port",
        Integer.toString(port),
        "--security",
        "sasl_ssl");
    client = new Properties();
    try (Reader reader = Files.newBufferedReader(dir.resolve("kafka/client.properties"))) {
      client.load(reader);
    }
    password = client.getProperty("sasl.jaas.config").replaceAll(".*password=\"([^\"]*)\".*", "$1");
    assertTrue(password.length() >= 16, "a generated password");
    config = writeConfig("client.conf", Map.of());
    produce("secure-logits", 0, RECORDS);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    ServerScript.run("kafka", dir.resolve("kafka"), "stop");
  }

  /** A --config file of the broker's client settings as kafka.* keys, some replaced. */
  private static Path writeConfig(String name, Map<String, String> replaced) throws IOException {
    Properties properties = new Properties();
    client.forEach((key, value) -> properties.put("kafka." + key, value));
    replaced.forEach((key, value) -> properties.put("kafka." + key, value));
    Path file = dir.resolve(name);
    try (var writer = Files.newBufferedWriter(file)) {
      properties.store(writer, null);
    }
    return file;
  }

  private static Properties clientConfig() {
    Properties properties = new Properties();
    properties.putAll(client);
    properties.put("bootstrap.servers", bootstrap);
    return properties;
  }

  private static void createTopic(String topic) throws Exception {
    try (Admin admin = Admin.create(clientConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Records with ids {@code first} to {@code first + count - 1}: JSON values of logits. */
  private static void produce(String topic, int first, int count) throws Exception {
    createTopic(topic);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(clientConfig(), new StringSerializer(), new StringSerializer())) {
      for (int id = first; id < first + count; id++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                "k" + id,
                "{\"id\":" + id + ",\"logits\":[" + id % 7 + ", -1.5, " + id % 3 + "]}"));
      }
    }
  }

  /** A stream from Kafka with these arguments after the brokers and the value schema. */
  private static SparkSubmit.Run stream(Path settings, String... args) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "stream",
                "--kafka-bootstrap",
                bootstrap,
                "--value-schema",
                "id BIGINT, logits ARRAY<DOUBLE>"));
    if (settings != null) {
      all.addAll(List.of("--config", settings.toString()));
    }
    all.addAll(List.of(args));
    return SparkSubmit.local(all.toArray(String[]::new));
  }

  /** The ids in a stream's Parquet output; fails on a duplicate. */
  private static Set<Long> ids(Path output) {
    List<Long> ids =
        SparkTestSession.get()
            .read()
            .parquet(output.toString())
            .select("id")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList();
    Set<Long> distinct = new HashSet<>(ids);
    assertEquals(ids.size(), distinct.size(), "no duplicate");
    return distinct;
  }

  private static Set<Long> range(long first, long count) {
    return Stream.iterate(first, i -> i + 1).limit(count).collect(Collectors.toSet());
  }

  @Test
  void theRightSettingsStreamExactlyAsOnPlaintextAndTheSecretIsNeverShown() throws Exception {
    Path output = dir.resolve("secure-out");
    Path checkpoint = dir.resolve("secure-checkpoint");
    SparkSubmit.Run toParquet =
        stream(
            config,
            "--topic",
            "secure-logits",
            "--output",
            output.toString(),
            "--checkpoint",
            checkpoint.toString(),
            "--apply",
            "probs=softmax(logits)");
    assertEquals(0, toParquet.code(), toParquet.err());
    assertTrue(toParquet.out().contains("  rows in:    " + RECORDS), toParquet.out());
    assertEquals(range(0, RECORDS), ids(output));
    for (Row row : SparkTestSession.get().read().parquet(output.toString()).collectAsList()) {
      long id = row.getLong(row.fieldIndex("id"));
      double[] logits = {id % 7, -1.5, id % 3};
      double sum = 0;
      for (double x : logits) {
        sum += Math.exp(x);
      }
      List<Double> probs = row.getList(row.fieldIndex("probs"));
      for (int i = 0; i < 3; i++) {
        double expected = Math.exp(logits[i]) / sum;
        assertEquals(expected, probs.get(i), 4 * Math.ulp(expected), "probs of id " + id);
      }
    }

    createTopic("secure-probs");
    Path toKafkaCheckpoint = dir.resolve("secure-to-kafka-checkpoint");
    SparkSubmit.Run toKafka =
        stream(
            config,
            "--topic",
            "secure-logits",
            "--output-topic",
            "secure-probs",
            "--checkpoint",
            toKafkaCheckpoint.toString(),
            "--apply",
            "probs=softmax(logits)",
            "--verbose");
    assertEquals(0, toKafka.code(), toKafka.err());
    assertEquals(range(0, RECORDS), consume("secure-probs", RECORDS));

    for (SparkSubmit.Run run : List.of(toParquet, toKafka)) {
      assertFalse(run.out().contains(password), "the password in the output");
      assertFalse(run.err().contains(password), "the password in the log");
    }
    for (Path folder : List.of(output, checkpoint, toKafkaCheckpoint)) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertFalse(
              new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                  .contains(password),
              "the password in " + file);
        }
      }
    }
  }

  /** The ids of a topic's JSON values; fails on a duplicate. */
  private static Set<Long> consume(String topic, int expected) throws Exception {
    Properties properties = clientConfig();
    properties.put("group.id", "secure-kafka-it");
    properties.put("auto.offset.reset", "earliest");
    Set<Long> ids = new HashSet<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (ids.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          assertTrue(ids.add(json.readTree(record.value()).get("id").asLong()), record.value());
        }
      }
    }
    return ids;
  }

  /** A refused client: exit 1, one line, within the Admin timeout and the process start. */
  private static SparkSubmit.Run refused(Path settings, String name) throws Exception {
    Path output = dir.resolve(name + "-out");
    SparkSubmit.runtimeReady();
    long start = System.nanoTime();
    SparkSubmit.Run run =
        stream(
            settings,
            "--topic",
            "secure-logits",
            "--output",
            output.toString(),
            "--checkpoint",
            dir.resolve(name + "-checkpoint").toString(),
            "--apply",
            "probs=softmax(logits)");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, run.code(), run.err());
    assertEquals(1, run.errorLines().size(), run.err());
    assertTrue(seconds < KafkaTopics.DEFAULT_TIMEOUT_MS / 1000.0 + 60, "took " + seconds + " s");
    assertFalse(Files.exists(output), "nothing written");
    assertFalse(Files.exists(dir.resolve(name + "-checkpoint")), "no checkpoint");
    assertFalse(run.err().contains(password), "the password in the log");
    return run;
  }

  @Test
  void aWrongPasswordIsOneLine() throws Exception {
    String jaas =
        client.getProperty("sasl.jaas.config").replace(password, "not-" + password.substring(4));
    SparkSubmit.Run run =
        refused(writeConfig("wrong-password.conf", Map.of("sasl.jaas.config", jaas)), "wrong");
    assertTrue(
        run.errorLines()
            .get(0)
            .startsWith("error: Kafka at " + bootstrap + " refused this client: Authentication"),
        run.errorLines().get(0));
  }

  @Test
  void aPlaintextClientIsOneLine() throws Exception {
    SparkSubmit.Run run = refused(null, "plaintext");
    assertTrue(
        run.errorLines().get(0).startsWith("error: cannot reach Kafka at " + bootstrap),
        run.errorLines().get(0));
  }

  @Test
  void aTruststoreThatDoesNotTrustTheBrokerIsOneLine() throws Exception {
    Path stranger = dir.resolve("stranger.p12");
    Process keytool =
        new ProcessBuilder(
                "keytool",
                "-genkeypair",
                "-keystore",
                stranger.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "stranger-store",
                "-alias",
                "stranger",
                "-dname",
                "CN=stranger",
                "-keyalg",
                "RSA",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    assertEquals(0, keytool.waitFor());
    SparkSubmit.Run run =
        refused(
            writeConfig(
                "stranger.conf",
                Map.of(
                    "ssl.truststore.location",
                    stranger.toString(),
                    "ssl.truststore.password",
                    "stranger-store")),
            "stranger");
    assertTrue(
        run.errorLines()
            .get(0)
            .startsWith("error: Kafka at " + bootstrap + " refused this client: SSL handshake"),
        run.errorLines().get(0));
  }

  @Test
  void startingOffsetsLatestReadsOnlyWhatComesAfter() throws Exception {
    produce("late-logits", 0, 50);
    Path output = dir.resolve("late-out");
    String[] args = {
      "--topic",
      "late-logits",
      "--starting-offsets",
      "latest",
      "--output",
      output.toString(),
      "--checkpoint",
      dir.resolve("late-checkpoint").toString(),
      "--apply",
      "probs=softmax(logits)"
    };
    SparkSubmit.Run first = stream(config, args);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("  rows in:    0"), first.out());
    produce("late-logits", 50, 30);
    SparkSubmit.Run restart = stream(config, args);
    assertEquals(0, restart.code(), restart.err());
    assertTrue(
        restart.out().contains("--starting-offsets and --starting-timestamp apply to new"),
        restart.out());
    assertEquals(range(50, 30), ids(output));
  }

  @Test
  void aTopicPatternReadsEveryTopicItMatches() throws Exception {
    produce("scores-a", 1000, 20);
    produce("scores-b", 2000, 30);
    produce("other-scores", 3000, 10);
    Path output = dir.resolve("pattern-out");
    SparkSubmit.Run run =
        stream(
            config,
            "--topic-pattern",
            "scores-.*",
            "--output",
            output.toString(),
            "--checkpoint",
            dir.resolve("pattern-checkpoint").toString(),
            "--apply",
            "probs=softmax(logits)");
    assertEquals(0, run.code(), run.err());
    Set<Long> expected = new HashSet<>(range(1000, 20));
    expected.addAll(range(2000, 30));
    assertEquals(expected, ids(output));
    assertTrue(run.out().contains("topics matching scores-.*"), run.out());
  }
}
