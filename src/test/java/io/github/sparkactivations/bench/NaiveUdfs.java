package io.github.sparkactivations.bench;

import org.apache.commons.numbers.gamma.Erf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * The baselines a user would write without this project: Java UDFs with the textbook formulas,
 * written carefully (max shift in softmax, the stable softplus form) but through Spark's generic
 * UDF interface, which boxes scalars and hands arrays over as a Scala {@code Seq}.
 */
final class NaiveUdfs {

  private static final double SQRT_HALF = Math.sqrt(0.5);

  private NaiveUdfs() {}

  static void register(SparkSession spark) {
    scalar(spark, "udf_sigmoid", x -> 1 / (1 + Math.exp(-x)));
    scalar(spark, "udf_log_sigmoid", x -> -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)))));
    scalar(spark, "udf_silu", x -> x / (1 + Math.exp(-x)));
    scalar(spark, "udf_relu", x -> Math.max(x, 0));
    scalar(spark, "udf_gelu", x -> 0.5 * x * (1 + Erf.value(x * SQRT_HALF)));
    scalar(
        spark,
        "udf_gelu_tanh",
        x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    scalar(spark, "udf_softplus", x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    spark
        .udf()
        .register(
            "udf_softmax",
            (UDF1<Seq<Float>, float[]>) NaiveUdfs::softmax,
            DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  private static void scalar(SparkSession spark, String name, UDF1<Double, Double> f) {
    spark.udf().register(name, f, DataTypes.DoubleType);
  }

  static float[] softmax(Seq<Float> logits) {
    float[] x = new float[logits.length()];
    Iterator<Float> values = logits.iterator();
    for (int i = 0; values.hasNext(); i++) {
      x[i] = values.next();
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double[] e = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      e[i] = Math.exp(x[i] - max);
      sum += e[i];
    }
    float[] p = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
