package io.github.sparkactivations.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Kafka topics of JSON values (one topic, or those whose names match a pattern), from where a new
 * stream starts (the earliest offsets unless told otherwise): key, topic, partition, offset and
 * timestamp, then the value's fields. A value that does not match the schema is counted (observed
 * metric {@value #METRICS}) and skipped.
 */
final class KafkaSource implements Source {

  /** The observed metrics of each micro-batch: {@code malformed}, the values skipped. */
  static final String METRICS = "activations";

  /** The column from_json fills with a value that does not match the schema. */
  private static final String MALFORMED = "_malformed_value";

  private final KafkaBrokers brokers;
  private final String topic;
  private final Pattern topicPattern;
  private final StructType values;
  private final Map<String, String> readOptions;

  /**
   * {@code topic} or {@code topicPattern} (the other null); {@code readOptions}: Spark's Kafka
   * source options beyond the brokers and the subscription (starting offsets, limits, ...).
   */
  KafkaSource(
      KafkaBrokers brokers,
      String topic,
      Pattern topicPattern,
      String valueSchema,
      Map<String, String> readOptions) {
    this.brokers = brokers;
    this.topic = topic;
    this.topicPattern = topicPattern;
    this.values = Ddl.parse("--value-schema", valueSchema);
    this.readOptions = Map.copyOf(readOptions);
  }

  /** The brokers must answer, accept the client and hold the topics. */
  @Override
  public void check() {
    brokers.require(topic, topicPattern);
  }

  @Override
  public Dataset<Row> readStream(SparkSession spark) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .options(brokers.sparkOptions())
            .option("startingOffsets", "earliest")
            .options(readOptions);
    reader =
        topic != null
            ? reader.option("subscribe", topic)
            : reader.option("subscribePattern", topicPattern.pattern());
    StructType withMalformed = values.add(MALFORMED, DataTypes.StringType);
    Column value =
        from_json(
            col("value").cast("string"),
            withMalformed,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", MALFORMED));
    Dataset<Row> parsed =
        reader
            .load()
            .withColumn("value", value)
            .select(
                col("key"),
                col("topic"),
                col("partition"),
                col("offset"),
                col("timestamp"),
                col("value.*"));
    return parsed
        .observe(METRICS, sum(when(col(MALFORMED).isNotNull(), 1).otherwise(0)).as("malformed"))
        .filter(col(MALFORMED).isNull())
        .drop(MALFORMED);
  }

  @Override
  public String describe() {
    return "kafka "
        + brokers.bootstrap()
        + (topic != null ? " topic " + topic : " topics matching " + topicPattern);
  }
}
