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

/**
 * The project's server scripts (scripts/kafka.sh, hadoop.sh, s3.sh) for the tests: a server of
 * their own in a state folder of theirs.
 */
final class ServerScript {

  private ServerScript() {}

  /** A port nothing listens on now, for a server to take. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs scripts/{@code script}.sh with {@code args} on the server whose state is {@code state};
   * fails with its output unless it exits 0 within 3 minutes. Returns its output.
   */
  static String run(String script, Path state, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/" + script + ".sh"));
    command.addAll(List.of(args));
    command.addAll(List.of("--state", state.toString()));
    Path log = state.resolveSibling(script + "-" + args[0] + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), script + ".sh " + args[0] + " did not finish");
    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
