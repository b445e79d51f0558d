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

  static final int TIMEOUT_SECONDS = 15;

  private KafkaTopics() {}

  /**
   * Fails unless the brokers answer within the timeout and accept the client, and {@code topic} (if
   * given) exists or a topic matches {@code pattern} (if given).
   */
  static void check(KafkaBrokers brokers, String topic, Pattern pattern) {
    Map<String, Object> config = new HashMap<>(brokers.settings());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrap());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    String where = "Kafka at " + brokers.bootstrap();
    Set<String> topics;
    try (Admin admin = Admin.create(config)) {
      topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException refused) {
        throw new UnavailableException(
            where
                + " refused this client: "
                + refused.getMessage()
                + " (check the credentials and TLS settings in --kafka-option or kafka.* in"
                + " --config)");
      }
      throw unreachable(where);
    } catch (TimeoutException e) {
      throw unreachable(where);
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

  private static UnavailableException unreachable(String where) {
    return new UnavailableException(
        "cannot reach "
            + where
            + " within "
            + TIMEOUT_SECONDS
            + " s; check --kafka-bootstrap, that the brokers run, and that the client speaks"
            + " their protocol (--kafka-option security.protocol=SSL, SASL_SSL, ...)");
  }
}
