package io.github.sparkactivations.job;

import io.github.sparkactivations.core.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kafka brokers and the client settings that reach them (security protocol, SASL, TLS stores,
 * client id, ...), as the source, the sink and the check before a stream all use them. The settings
 * may hold secrets: nothing here prints them.
 */
record KafkaBrokers(String bootstrap, Map<String, String> settings) {

  KafkaBrokers {
    if (settings.containsKey("bootstrap.servers")) {
      throw new UsageException(
          "give the brokers with --kafka-bootstrap (or kafka-bootstrap in --config), not as the"
              + " client setting bootstrap.servers");
    }
    settings = Map.copyOf(settings);
  }

  /** The settings as options of Spark's Kafka source and sink: {@code kafka.} and the key. */
  Map<String, String> sparkOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", bootstrap);
    settings.forEach((key, value) -> options.put("kafka." + key, value));
    return options;
  }

  /**
   * Fails in one line unless the brokers answer and hold {@code topic}, or a topic that {@code
   * pattern} matches (either may be null); the Admin client that asks them comes with Spark's Kafka
   * connector.
   */
  void require(String topic, Pattern pattern) {
    try {
      KafkaTopics.check(this, topic, pattern);
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
}
