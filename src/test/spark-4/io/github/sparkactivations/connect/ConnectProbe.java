package io.github.sparkactivations.connect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.github.sparkactivations.functions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark Connect client program, run by ConnectIT through scripts/connect-client.sh in a JVM with
 * Spark's Connect client and this project's jar only. Arguments: the server URL, a file of queries
 * (one per line) and the output file. For each query it writes the query after "> ", then each row,
 * or one line {@code error: <message>}. A query is SQL, or {@code COLUMN API <parquet path>}: the
 * Column API's columns over that table, as JSON.
 */
public final class ConnectProbe {

  private ConnectProbe() {}

  public static void main(String[] args) throws Exception {
    List<String> queries = Files.readAllLines(Path.of(args[1]));
    try (PrintStream out =
        new PrintStream(Files.newOutputStream(Path.of(args[2])), true, "UTF-8")) {
      SparkSession spark;
      try {
        spark = SparkSession.builder().remote(args[0]).create();
      } catch (Exception e) {
        out.println("error: " + firstLine(e));
        return;
      }
      for (String query : queries) {
        if (query.startsWith("PAUSE ")) {
          spark = reconnectAfter(Path.of(query.substring("PAUSE ".length())), spark, args[0], out);
          continue;
        }
        out.println("> " + query);
        SparkSession session = spark;
        if (query.startsWith("COLUMN API ")) {
          columnApi(session, query.substring("COLUMN API ".length()), out);
        } else {
          report(() -> session.sql(query), out);
        }
      }
      spark.close();
    }
  }

  /**
   * Waits until {@code signal} exists (the test restarts the server meanwhile), says how the old
   * session fares, and goes on in a new session, as a client does after a server restart.
   */
  private static SparkSession reconnectAfter(
      Path signal, SparkSession old, String url, PrintStream out) throws InterruptedException {
    while (!Files.exists(signal)) {
      Thread.sleep(100);
    }
    out.print("old session: ");
    report(() -> old.sql("SELECT 1"), out);
    return SparkSession.builder().remote(url).create();
  }

  /** The Column API on a Connect DataFrame: calls by name that the server resolves. */
  static void columnApi(SparkSession spark, String table, PrintStream out) {
    report(() -> columnApi(spark.read().parquet(table)), out);
  }

  /** The same columns in either kind of session (ConnectIT builds them in a classic one too). */
  static Dataset<Row> columnApi(Dataset<Row> table) {
    return table.orderBy("id").select(to_json(struct(columns())));
  }

  private static Column[] columns() {
    return new Column[] {
      col("id"),
      functions.softmax(col("arr"), 2.0).as("softmax_t2"),
      functions.log_softmax(col("farr")).as("log_softmax"),
      functions.sigmoid(col("x")).as("sigmoid"),
      functions.gelu(col("f"), "tanh").as("gelu_tanh"),
      functions.top_k(col("arr"), 2).as("top2"),
      functions.activation("softplus(beta=2, threshold=20)", col("x")).as("softplus"),
      functions.threshold(col("arr"), 0.5, -1.0).as("threshold")
    };
  }

  private interface Query {
    Dataset<Row> run();
  }

  private static void report(Query query, PrintStream out) {
    try {
      for (Row row : query.run().collectAsList()) {
        out.println(row);
      }
    } catch (Exception e) { // AnalysisException is checked in Java's eyes, thrown unchecked
      out.println("error: " + firstLine(e));
    }
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }
}
