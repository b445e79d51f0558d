package io.github.sparkactivations.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/** A Kafka topic written by a stream: each row a JSON value, its key kept from a Kafka input. */
final class KafkaSink implements Sink {

  private final KafkaBrokers brokers;
  private final String topic;

  KafkaSink(KafkaBrokers brokers, String topic) {
    this.brokers = brokers;
    this.topic = topic;
  }

  @Override
  public void beforeStream(Source source) {
    if (!(source instanceof KafkaSource)) { // a Kafka source asked the same brokers already
      brokers.require(null, null);
    }
  }

  @Override
  public StreamingQuery startStream(Dataset<Row> result, String checkpoint, Trigger trigger)
      throws TimeoutException {
    List<Column> fields =
        Arrays.stream(result.columns())
            .filter(c -> !c.equals("key"))
            .map(c -> col("`" + c + "`"))
            .toList();
    Column value = to_json(struct(fields.toArray(Column[]::new))).as("value");
    Dataset<Row> records =
        Arrays.asList(result.columns()).contains("key")
            ? result.select(col("key"), value)
            : result.select(lit(null).cast("binary").as("key"), value);
    return records
        .writeStream()
        .format("kafka")
        .options(brokers.sparkOptions())
        .option("topic", topic)
        .option("checkpointLocation", checkpoint)
        .trigger(trigger)
        .start();
  }

  @Override
  public String describe() {
    return "kafka " + brokers.bootstrap() + " topic " + topic;
  }
}
