package io.github.sparkactivations.sql;

import static org.apache.spark.sql.functions.col;

import io.github.sparkactivations.functions;
import io.github.sparkactivations.ml.ActivationTransformer;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Run by WrongLineIT in a JVM with a Spark runtime and a jar of possibly another line: tries every
 * way of installing the functions and prints, per route, "installed" or the error it gave.
 */
public final class WrongLineProbe {

  private WrongLineProbe() {}

  public static void main(String[] args) {
    SparkSession plain = session().getOrCreate();
    report("register", () -> run(() -> ActivationFunctions.register(plain)));
    report("column", () -> functions.sigmoid(col("x")));
    report(
        "transformer",
        () ->
            new ActivationTransformer()
                .setInputCol("x")
                .transformSchema(new StructType().add("x", "double")));
    plain.stop();
    report(
        "extension",
        () ->
            session()
                .config("spark.sql.extensions", ActivationExtensions.class.getName())
                .getOrCreate());
  }

  private static SparkSession.Builder session() {
    return SparkSession.builder()
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/probe-wh");
  }

  private static Object run(Runnable action) {
    action.run();
    return null;
  }

  private static void report(String route, Supplier<?> install) {
    try {
      install.get();
      System.out.println(route + ": installed");
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
        cause = cause.getCause();
      }
      System.out.println(
          route + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }
}
