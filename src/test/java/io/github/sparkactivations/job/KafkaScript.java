package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** scripts/kafka.sh for the stream tests: a broker of their own in a state folder of theirs. */
final class KafkaScript {

  private KafkaScript() {}

  /** A port nothing listens on now, for a broker to take. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs scripts/kafka.sh with {@code args} on the broker whose state is {@code state}; fails with
   * its output unless it exits 0 within 3 minutes.
   */
  static void run(Path state, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/kafka.sh"));
    command.addAll(List.of(args));
    command.addAll(List.of("--state", state.toString()));
    Path log = state.resolveSibling("kafka-" + args[0] + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), "kafka.sh " + args[0] + " did not finish");
    assertEquals(0, process.exitValue(), Files.readString(log));
  }
}
