package io.github.sparkactivations.job;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks the brokers before a stream starts, so that an unreachable broker or an unknown topic is one
 * clear line instead of a stream that waits forever. Loaded only for Kafka streams: its classes
 * come with Spark's Kafka connector.
 */
final class KafkaTopics {

  static final int TIMEOUT_SECONDS = 15;

  private KafkaTopics() {}

  /** Fails unless the brokers answer within the timeout and {@code topic} (if given) exists. */
  static void check(String bootstrap, String topic) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    Set<String> topics;
    try (Admin admin = Admin.create(config)) {
      topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + bootstrap
              + " within "
              + TIMEOUT_SECONDS
              + " s; check --kafka-bootstrap and that the brokers run");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka at " + bootstrap, e);
    }
    if (topic != null && !topics.contains(topic)) {
      throw new UsageException(
          "topic '"
              + topic
              + "' does not exist on "
              + bootstrap
              + "; create it, or check --topic (topics there: "
              + String.join(", ", topics.stream().sorted().toList())
              + ")");
    }
  }
}
