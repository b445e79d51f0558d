package io.github.sparkactivations.job;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Asks the brokers before a stream starts, so that an unreachable broker or an unknown topic is one
 * clear line instead of a stream that waits forever. Loaded only for Kafka streams: its classes
 * come with Spark's Kafka connector.
 */
final class KafkaTopics {

  /** How long the brokers have to answer, unless the client setting default.api.timeout.ms says. */
  static final int DEFAULT_TIMEOUT_MS = 15_000;

  private KafkaTopics() {}

  /**
   * Fails unless the brokers answer within the timeout and accept the client, and {@code topic} (if
   * given) exists or a topic matches {@code pattern} (if given).
   */
  static void check(KafkaBrokers brokers, String topic, Pattern pattern) {
    int timeoutMs = timeoutMs(brokers.settings());
    Map<String, Object> config = new HashMap<>(brokers.settings());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrap());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    String where = "Kafka at " + brokers.bootstrap();
    Set<String> topics;
    try (Admin admin = Admin.create(config)) {
      topics = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException refused) {
        throw new UnavailableException(
            where
                + " refused this client: "
                + refused.getMessage()
                + " (check the credentials and TLS settings in --kafka-option or kafka.* in"
                + " --config)");
      }
      throw unreachable(where, timeoutMs);
    } catch (TimeoutException e) {
      throw unreachable(where, timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + where, e);
    }
    String known = String.join(", ", topics.stream().sorted().toList());
    if (topic != null && !topics.contains(topic)) {
      throw new UsageException(
          "topic '"
              + topic
              + "' does not exist on "
              + brokers.bootstrap()
              + "; create it, or check --topic (topics there: "
              + known
              + ")");
    }
    if (pattern != null && topics.stream().noneMatch(t -> pattern.matcher(t).matches())) {
      throw new UsageException(
          "no topic on "
              + brokers.bootstrap()
              + " matches --topic-pattern '"
              + pattern
              + "' (topics there: "
              + known
              + ")");
    }
  }

  /** default.api.timeout.ms when the client settings give it, else 15 s. */
  static int timeoutMs(Map<String, String> settings) {
    String value = settings.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    if (value == null) {
      return DEFAULT_TIMEOUT_MS;
    }
    try {
      int timeoutMs = Integer.parseInt(value.strip());
      if (timeoutMs > 0) {
        return timeoutMs;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new UsageException(
        "the Kafka client setting default.api.timeout.ms is '"
            + value
            + "'; give a positive number of milliseconds");
  }

  private static UnavailableException unreachable(String where, int timeoutMs) {
    String within = timeoutMs % 1000 == 0 ? timeoutMs / 1000 + " s" : timeoutMs + " ms";
    return new UnavailableException(
        "cannot reach "
            + where
            + " within "
            + within
            + " (default.api.timeout.ms); check --kafka-bootstrap, that the brokers run, and that"
            + " the client speaks their protocol (--kafka-option security.protocol=SSL, SASL_SSL,"
            + " ...)");
  }
}
