package io.github.sparkactivations.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a job's rows come from (files at paths, a table, a Kafka topic), shared by {@code run} and
 * {@code stream}. What can be checked without Spark is checked when the source is made; what needs
 * Spark fails as one {@link UsageException} when read.
 */
interface Source {

  /** Checks that need no Spark but may take a moment (brokers that must answer). */
  default void check() {}

  /** The rows, as a batch. */
  default Dataset<Row> read(SparkSession spark) {
    throw new UsageException(describe() + " can be read as a stream only: use the stream command");
  }

  /** The rows as they arrive. */
  Dataset<Row> readStream(SparkSession spark);

  /** What the summary calls it, e.g. {@code logits/} or {@code table ml.logits}. */
  String describe();
}
