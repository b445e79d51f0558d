package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long the check before a stream waits for the brokers. */
class KafkaTopicsTest {

  @Test
  void fifteenSecondsUnlessTheClientSettingSaysOtherwise() {
    assertEquals(15_000, KafkaTopics.timeoutMs(Map.of()));
    assertEquals(3_000, KafkaTopics.timeoutMs(Map.of("default.api.timeout.ms", " 3000")));
    for (String bad : new String[] {"0", "-5", "3s", ""}) {
      UsageException refused =
          assertThrows(
              UsageException.class,
              () -> KafkaTopics.timeoutMs(Map.of("default.api.timeout.ms", bad)));
      assertEquals(
          "the Kafka client setting default.api.timeout.ms is '"
              + bad
              + "'; give a positive number of milliseconds",
          refused.getMessage());
    }
  }
}
