package io.github.sparkactivations.connect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult.MlOperatorInfo;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.SparkSession;
import scala.runtime.BoxedUnit;

/**
 * A Spark Connect ML client: sends the commands PySpark's Connect ML sends for a JVM transformer
 * named by its class (transform, write, read), here from a JVM whose classpath holds Spark's
 * Connect client only. Run by ConnectIT as a single-file source program through
 * scripts/connect-client.sh, so it is compiled against that classpath and nothing else.
 *
 * <p>Arguments: the server URL, a Parquet table with columns {@code id} and {@code v}, a folder to
 * save the transformer in, and the output file. Each step writes a line {@code > step}, then its
 * rows as JSON, its result, or {@code error: <first line of the message>}.
 */
public final class ConnectMlClient {

  private static final String TRANSFORMER = "io.github.sparkactivations.ml.ActivationTransformer";

  private ConnectMlClient() {}

  public static void main(String[] args) throws Exception {
    try (SparkSession spark = SparkSession.builder().remote(args[0]).create();
        PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[3])), true, "UTF-8")) {
      Relation table = spark.read().parquet(args[1]).plan().getRoot();
      MlParams params =
          params(
              Map.of(
                  "inputCol", "v", "outputCol", "probs", "activation", "softmax(temperature=2.0)"));
      MlOperator created = operator("activation_connect");

      out.println("> transform");
      report(() -> print(transform(spark, table, created, params), out), out);

      out.println("> write " + args[2]);
      report(() -> spark.execute(write(created, params, args[2])), out);

      out.println("> read " + args[2]);
      report(
          () -> {
            MlOperatorInfo loaded = read(spark, args[2]);
            out.println("uid: " + loaded.getUid());
            out.println("params: " + new TreeMap<>(loaded.getParams().getParamsMap()).keySet());
            print(transform(spark, table, operator(loaded.getUid()), loaded.getParams()), out);
          },
          out);

      out.println("> transform with an invalid activation");
      MlParams invalid = params(Map.of("inputCol", "v", "activation", "softmax(temperature=0)"));
      report(() -> print(transform(spark, table, created, invalid), out), out);
    }
  }

  private static MlOperator operator(String uid) {
    return MlOperator.newBuilder()
        .setName(TRANSFORMER)
        .setUid(uid)
        .setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER)
        .build();
  }

  private static MlParams params(Map<String, String> values) {
    MlParams.Builder params = MlParams.newBuilder();
    values.forEach(
        (k, v) -> params.putParams(k, Expression.Literal.newBuilder().setString(v).build()));
    return params.build();
  }

  private static Dataset<Row> transform(
      SparkSession spark, Relation input, MlOperator transformer, MlParams params) {
    MlRelation.Transform transform =
        MlRelation.Transform.newBuilder()
            .setTransformer(transformer)
            .setInput(input)
            .setParams(params)
            .build();
    return spark.newDataFrame(
        relation -> {
          relation.setMlRelation(MlRelation.newBuilder().setTransform(transform));
          return BoxedUnit.UNIT;
        });
  }

  private static Command write(MlOperator transformer, MlParams params, String path) {
    return Command.newBuilder()
        .setMlCommand(
            MlCommand.newBuilder()
                .setWrite(
                    MlCommand.Write.newBuilder()
                        .setOperator(transformer)
                        .setParams(params)
                        .setPath(path)
                        .setShouldOverwrite(true)))
        .build();
  }

  private static MlOperatorInfo read(SparkSession spark, String path) {
    Command read =
        Command.newBuilder()
            .setMlCommand(
                MlCommand.newBuilder()
                    .setRead(
                        MlCommand.Read.newBuilder()
                            .setOperator(
                                MlOperator.newBuilder()
                                    .setName(TRANSFORMER)
                                    .setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER))
                            .setPath(path)))
            .build();
    for (ExecutePlanResponse response :
        scala.jdk.javaapi.CollectionConverters.asJava(spark.execute(read))) {
      if (response.hasMlCommandResult()) {
        return response.getMlCommandResult().getOperatorInfo();
      }
    }
    throw new IllegalStateException("the server sent no ML command result");
  }

  private static void print(Dataset<Row> applied, PrintStream out) {
    for (Row row :
        applied.orderBy("id").select(to_json(struct(col("id"), col("probs")))).collectAsList()) {
      out.println(row.getString(0));
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void report(Step step, PrintStream out) {
    try {
      step.run();
    } catch (Exception e) {
      out.println("error: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }
}
