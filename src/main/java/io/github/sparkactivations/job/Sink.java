package io.github.sparkactivations.job;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * Where a job's rows go (files at a path with this project's commit protocol, a table with its
 * format's own commit, a Kafka topic), shared by {@code run} and {@code stream}. A batch write is
 * checked, written, then committed: nothing of a run is visible before its commit, and a run whose
 * id the output already holds writes nothing.
 */
interface Sink {

  /** What a batch write did. */
  record Written(long rows, String outcome) {}

  /**
   * Checks and recovery that need no Spark, before it starts; returns the line to print when the
   * run has nothing to do (its run is committed already, or the output exists in ignore mode).
   */
  default Optional<String> beforeSpark(PrintStream notes, Source source) {
    return Optional.empty();
  }

  /** Checks against the output as it is, before anything is written; as {@link #beforeSpark}. */
  default Optional<String> beforeWrite(SparkSession spark, Source source, StructType result) {
    return Optional.empty();
  }

  /** Writes the rows, visible only after {@link #commit} (where the format's commit is this). */
  default Written write(Dataset<Row> result) {
    throw new UsageException(
        describe() + " can be written by a stream only: use the stream command");
  }

  /** Makes the written rows visible, with the run's summary where the output keeps one. */
  default void commit(Map<String, Object> summary) {}

  /** Removes what an unsuccessful write left, unless it is committed already. */
  default void abort() {}

  /** The output, to show some of its rows. */
  default Dataset<Row> read(SparkSession spark) {
    throw new UnsupportedOperationException(describe() + " cannot be read back");
  }

  /** Checks for a stream from {@code source} into this output that need no Spark. */
  default void beforeStream(Source source) {}

  /** Starts the stream of the rows into this output, recovering through {@code checkpoint}. */
  StreamingQuery startStream(Dataset<Row> result, String checkpoint, Trigger trigger)
      throws TimeoutException;

  /** What the summary calls it. */
  String describe();
}
