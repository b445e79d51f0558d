package io.github.sparkactivations.connect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkactivations.SparkTestSession;
import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.ml.ActivationTransformer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark Connect with real processes: a server started by scripts/connect-server.sh (this line's
 * Spark, this jar, the extension) and clients in JVMs of their own holding only Spark's Connect
 * client and this jar (scripts/connect-client.sh, running {@link ConnectProbe}). Every result must
 * equal, as text, what a classic session computes from the same data.
 */
class ConnectIT {

  @TempDir static Path dir;
  private static String table;
  private static int port;

  /** Decided by the line alone: any other failure to start the server fails the tests. */
  private static final boolean LINE_HAS_CONNECT =
      !System.getProperty("spark.connect.version", "").isBlank();

  /** Skipped test by test: a class skipped as a whole is reported as no tests at all. */
  @BeforeEach
  void needsAConnectServerModule() {
    assumeTrue(LINE_HAS_CONNECT, "no Connect server module for " + System.getenv("SPARK_LINE"));
  }

  @BeforeAll
  static void serverAndData() throws Exception {
    if (!LINE_HAS_CONNECT) {
      return;
    }
    table = dir.resolve("logits").toString();
    SparkTestSession.get()
        .range(0, 40, 1, 2)
        .selectExpr(
            "id",
            "CASE WHEN id = 3 THEN NULL WHEN id = 4 THEN double('NaN') WHEN id = 5 THEN"
                + " double('-inf') ELSE (id - 20) * 1.7 END AS x",
            "CAST((id - 20) * 0.9 AS FLOAT) AS f",
            "CASE WHEN id = 6 THEN array() WHEN id = 7 THEN array(1.0D, NULL) ELSE"
                + " transform(sequence(0, 5), i -> sin(id * 3 + i) * 12) END AS arr",
            "transform(sequence(0, 9), i -> CAST(cos(id + i * 5) * 30 AS FLOAT)) AS farr")
        .withColumn(
            "v",
            org.apache.spark.ml.functions.array_to_vector(
                org.apache.spark.sql.functions.expr(
                    "transform(sequence(0, 4), i -> (id % (i + 2)) - 1.0D)")))
        .write()
        .parquet(table);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process start = serverProcess("start", "--port", Integer.toString(port));
    assertEquals(0, start.exitValue(), output("start"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (LINE_HAS_CONNECT) {
      server("stop");
    }
  }

  private static void server(String... args) throws Exception {
    assertEquals(0, serverProcess(args).exitValue(), output(args[0]));
  }

  private static Process serverProcess(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/connect-server.sh"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server-" + args[0] + ".log").toFile())
            .start();
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), "connect-server.sh did not finish");
    return process;
  }

  private static String output(String command) {
    try {
      return Files.readString(dir.resolve("server-" + command + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Every function on every input type it takes, all in one JSON document per row and column. */
  private static List<String> contractQueries() {
    List<String> queries = new ArrayList<>();
    for (String column : List.of("x", "f", "arr", "farr", "v")) {
      boolean scalar = column.equals("x") || column.equals("f");
      String calls =
          Activations.all().stream()
              .filter(a -> !scalar || a.kind() == Activation.Kind.ELEMENTWISE)
              .map(a -> "'" + a.name() + "', " + call(a, column))
              .collect(Collectors.joining(", "));
      queries.add(
          "SELECT id, to_json(named_struct("
              + calls
              + ")) FROM parquet.`"
              + table
              + "` ORDER BY id");
    }
    return queries;
  }

  private static String call(Activation a, String column) {
    String parameters =
        a.example().parameters().stream()
            .map(p -> p instanceof String s ? ", '" + s + "'" : ", " + p)
            .collect(Collectors.joining());
    return a.name() + "(" + column + parameters + ")";
  }

  /** What a classic session gives for the probe's queries, in the probe's output format. */
  private static List<String> classic(List<String> queries) {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = new ArrayList<>();
    for (String query : queries) {
      lines.add("> " + query);
      try {
        List<Row> rows =
            query.startsWith("COLUMN API ")
                ? ConnectProbe.columnApi(spark.read().parquet(table)).collectAsList()
                : spark.sql(query).collectAsList();
        rows.forEach(r -> r.toString().lines().forEach(lines::add)); // as the probe's file reads
      } catch (Exception e) {
        lines.add("error: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    return lines;
  }

  private static Process client(Path queries, Path out) throws IOException {
    return client(queries, out, "sc://127.0.0.1:" + port);
  }

  private static Process client(Path queries, Path out, String url) throws IOException {
    Path classes = Path.of("target", "spark" + System.getenv("SPARK_LINE"), "test-classes");
    return client(
        out,
        "-cp",
        classes.toString(),
        ConnectProbe.class.getName(),
        url,
        queries.toString(),
        out.toString());
  }

  /** scripts/connect-client.sh with these arguments, its console in a log next to {@code out}. */
  private static Process client(Path out, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of("scripts/connect-client.sh"));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(out.getFileName() + ".log").toFile())
        .start();
  }

  private static List<String> finish(Process client, Path out) throws Exception {
    if (!client.waitFor(3, TimeUnit.MINUTES)) {
      client.destroyForcibly();
      throw new AssertionError("the client did not finish in 3 minutes");
    }
    String log = Files.readString(dir.resolve(out.getFileName() + ".log"));
    assertEquals(0, client.exitValue(), log);
    return Files.readAllLines(out);
  }

  /** Closed forms: σ(0) = 1/2, relu(-2) = 0, softmax of equal logits is uniform. */
  private static final String CLOSED_FORMS =
      "SELECT sigmoid(0.0D), relu(-2.0D), argmax(array(-2.0D, 0.0D, 0.5D)),"
          + " top_k(array(-2.0D, 0.0D, 0.5D), 2), softmax(array(1.5D, 1.5D, 1.5D, 1.5D))";

  private static final String CLOSED_FORM_ROW =
      "[0.5,0.0,2,ArraySeq([2,0.5], [1,0.0]),ArraySeq(0.25, 0.25, 0.25, 0.25)]";

  @Test
  void twoClientsGetWhatAClassicSessionComputesToTheBit() throws Exception {
    List<String> queries = new ArrayList<>(contractQueries());
    queries.add(CLOSED_FORMS);
    queries.add("COLUMN API " + table);
    // Docs and analysis-time errors reach the client as the server gives them.
    queries.add("DESCRIBE FUNCTION EXTENDED softmax");
    queries.add("SELECT softmax(x) FROM parquet.`" + table + "`");
    queries.add("SELECT softmax(arr, -1.0) FROM parquet.`" + table + "`");
    queries.add("SELECT gelu(x, 'fast') FROM parquet.`" + table + "`");
    Path file = Files.write(dir.resolve("contract.sql"), queries);
    Process first = client(file, dir.resolve("first.out"));
    Process second = client(file, dir.resolve("second.out"));
    try {
      List<String> expected = classic(queries);
      // Agreement alone would pass a function failing on both sides: the contract runs clean.
      List<String> errors = expected.stream().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(3, errors.size(), "only the three bad calls fail: " + errors);
      assertTrue(
          errors.stream().allMatch(l -> l.contains("softmax") || l.contains("gelu")),
          errors::toString);
      int closedForms = expected.indexOf("> " + CLOSED_FORMS);
      assertEquals(CLOSED_FORM_ROW, expected.get(closedForms + 1));
      assertSameLines(expected, finish(first, dir.resolve("first.out")));
      assertSameLines(expected, finish(second, dir.resolve("second.out")));
    } finally {
      first.destroyForcibly(); // clients still running after a failure
      second.destroyForcibly();
    }
  }

  /**
   * Connect ML, as PySpark drives it: the server creates the transformer from its class name and
   * String params, applies it, saves it and loads it back ({@link ConnectMlClient}, compiled
   * against the Connect client's classpath alone). The saved folder must load in a classic session.
   */
  @Test
  void connectMlCreatesAppliesSavesAndLoadsTheTransformer() throws Exception {
    Path saved = dir.resolve("saved-transformer");
    Path out = dir.resolve("ml.out");
    Process client =
        client(
            out,
            "src/test/connect-client/ConnectMlClient.java",
            "sc://127.0.0.1:" + port,
            table,
            saved.toString(),
            out.toString());
    List<String> lines = finish(client, out);

    ActivationTransformer transformer =
        new ActivationTransformer("activation_connect")
            .setInputCol("v")
            .setOutputCol("probs")
            .setActivation("softmax(temperature=2.0)");
    List<String> rows =
        transformer
            .transform(SparkTestSession.get().read().parquet(table))
            .orderBy("id")
            .select(to_json(struct(col("id"), col("probs"))))
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    String invalid =
        assertThrows(
                ActivationException.class,
                () -> transformer.copy(ParamMap.empty()).setActivation("softmax(temperature=0)"))
            .getMessage();
    List<String> expected = new ArrayList<>(List.of("> transform"));
    expected.addAll(rows);
    expected.addAll(
        List.of(
            "> write " + saved,
            "> read " + saved,
            "uid: activation_connect",
            "params: [activation, inputCol, outputCol]"));
    expected.addAll(rows);
    expected.add("> transform with an invalid activation");
    assertSameLines(expected, lines.subList(0, expected.size()));
    String error = String.join("\n", lines.subList(expected.size(), lines.size()));
    assertTrue(error.startsWith("error: ") && error.contains(invalid), error);

    ActivationTransformer loaded = ActivationTransformer.load(saved.toString());
    assertEquals("activation_connect", loaded.uid());
    assertEquals("softmax(temperature=2.0)", loaded.getActivation());
    assertEquals("v", loaded.getInputCol());
    assertEquals("probs", loaded.getOutputCol());
  }

  /** Equal line lists, or the first line that differs. */
  private static void assertSameLines(List<String> expected, List<String> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), "line " + (i + 1));
    }
    assertEquals(expected.size(), actual.size(), "lines");
  }

  @Test
  void aClientGoesOnInANewSessionAfterTheServerRestarts() throws Exception {
    String query = contractQueries().get(2);
    Path signal = dir.resolve("restarted");
    Path file = Files.write(dir.resolve("restart.sql"), List.of(query, "PAUSE " + signal, query));
    Path out = dir.resolve("restart.out");
    Process client = client(file, out);
    List<String> lines;
    List<String> before;
    try {
      before = classic(List.of(query));
      for (int i = 0; i < 1200 && lines(out) < before.size(); i++) {
        Thread.sleep(100);
      }
      assertEquals(before, Files.readAllLines(out), "before the restart");
      server("stop");
      server("start", "--port", Integer.toString(port));
      Files.createFile(signal);
      lines = finish(client, out);
    } finally {
      client.destroyForcibly(); // a client still waiting for the signal after a failure
    }
    List<String> after = lines.subList(before.size() + 1, lines.size());
    System.out.println("after the restart, " + lines.get(before.size()));
    assertEquals(before, after, "in a new session after the restart");
  }

  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  @Test
  void startIsRefusedInOneLineWhileRunningOrOnABusyPort() throws Exception {
    Process second = serverProcess("start", "--port", Integer.toString(port + 1));
    assertEquals(2, second.exitValue(), output("start"));
    assertTrue(
        output("start")
            .matches(
                "connect-server.sh: already running \\(PID \\d+, port "
                    + port
                    + "\\); stop it first\n"),
        output("start"));
    server("status");
    assertTrue(output("status").startsWith("running (PID "), output("status"));

    server("stop");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process start = serverProcess("start", "--port", Integer.toString(busy.getLocalPort()));
      assertEquals(2, start.exitValue(), output("start"));
      assertEquals(
          "connect-server.sh: port "
              + busy.getLocalPort()
              + " on 127.0.0.1 is in use; choose another with --port\n",
          output("start"));
    } finally {
      server("start", "--port", Integer.toString(port));
    }
  }

  /** The JVM client sends a token over plaintext to "localhost" only (TLS elsewhere). */
  @Test
  void aServerWithATokenServesOnlyClientsThatHaveIt() throws Exception {
    server("stop");
    server("start", "--port", Integer.toString(port), "--token", "s3cret");
    try {
      String query = "SELECT sigmoid(0.0D)";
      Path file = Files.write(dir.resolve("token.sql"), List.of(query));
      String url = "sc://localhost:" + port;
      Process right = client(file, dir.resolve("right.out"), url + "/;token=s3cret");
      Process none = client(file, dir.resolve("none.out"), url);
      Process wrong = client(file, dir.resolve("wrong.out"), url + "/;token=guess");
      assertEquals(List.of("> " + query, "[0.5]"), finish(right, dir.resolve("right.out")));
      String refused = String.join("\n", finish(none, dir.resolve("none.out")));
      assertTrue(refused.contains("No authentication token provided"), refused);
      String wrongToken = String.join("\n", finish(wrong, dir.resolve("wrong.out")));
      assertTrue(wrongToken.contains("Invalid authentication token"), wrongToken);
    } finally {
      server("stop");
      server("start", "--port", Integer.toString(port));
    }
  }
}
