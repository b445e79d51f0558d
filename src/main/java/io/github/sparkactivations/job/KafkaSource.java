package io.github.sparkactivations.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.github.sparkactivations.core.Version;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Kafka topic of JSON values, from its earliest offsets: key, topic, partition, offset and
 * timestamp, then the value's fields. A value that does not match the schema is counted (observed
 * metric {@value #METRICS}) and skipped.
 */
final class KafkaSource implements Source {

  /** The observed metrics of each micro-batch: {@code malformed}, the values skipped. */
  static final String METRICS = "activations";

  /** The column from_json fills with a value that does not match the schema. */
  private static final String MALFORMED = "_malformed_value";

  private final String bootstrap;
  private final String topic;
  private final StructType values;
  private final Integer maxPerTrigger;

  KafkaSource(String bootstrap, String topic, String valueSchema, Integer maxPerTrigger) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.values = Ddl.parse("--value-schema", valueSchema);
    this.maxPerTrigger = maxPerTrigger;
  }

  /** The brokers must answer and hold the topic. */
  @Override
  public void check() {
    requireBrokers(bootstrap, topic);
  }

  /**
   * Fails in one line unless the brokers answer and hold {@code topic} (if given); the Admin client
   * that asks them comes with Spark's Kafka connector.
   */
  static void requireBrokers(String bootstrap, String topic) {
    try {
      KafkaTopics.check(bootstrap, topic);
    } catch (NoClassDefFoundError e) {
      throw new UsageException(
          "Spark's Kafka connector is not on the classpath: add --packages"
              + " org.apache.spark:spark-sql-kafka-0-10_"
              + Version.scalaBinaryVersion()
              + ":"
              + org.apache.spark.package$.MODULE$.SPARK_VERSION()
              + " to spark-submit");
    }
  }

  @Override
  public Dataset<Row> readStream(SparkSession spark) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest");
    if (maxPerTrigger != null) {
      reader = reader.option("maxOffsetsPerTrigger", maxPerTrigger);
    }
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
    return "kafka " + bootstrap + " topic " + topic;
  }
}
