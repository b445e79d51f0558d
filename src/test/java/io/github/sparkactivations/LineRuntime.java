package io.github.sparkactivations;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Spark runtime of the line under test, as scripts/spark-submit assembles it, for probes that
 * run in a JVM of their own with a classpath of the test's choosing.
 */
public final class LineRuntime {

  private LineRuntime() {}

  /** The runtime's folder: target/spark-runtime/LINE. */
  public static Path folder() {
    return Path.of("target/spark-runtime", System.getenv("SPARK_LINE"));
  }

  /**
   * Assembles the runtime with its class-data archive and fetches the table formats' packages into
   * it (scripts/spark-submit --with), where not done before.
   */
  public static void assemble(List<String> formats) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("scripts/spark-submit"));
    if (!formats.isEmpty()) {
      command.addAll(List.of("--with", String.join(",", formats)));
    }
    command.add("--version");
    Path log = Files.createTempFile("spark-runtime", ".log");
    try {
      if (run(command, log, 20) != 0) {
        throw new AssertionError("scripts/spark-submit failed:\n" + Files.readString(log));
      }
    } finally {
      Files.delete(log);
    }
  }

  /**
   * java with the runtime's jars, Spark's JVM flags, SPARK_SUBMIT_OPTS and the runtime's class-data
   * archive (as scripts/spark-submit takes them), then {@code classpath}, running {@code main} with
   * {@code args}.
   */
  public static List<String> java(List<String> classpath, String main, List<String> args)
      throws IOException {
    List<String> entries = new ArrayList<>(List.of(folder().resolve("jars") + "/*"));
    entries.addAll(classpath);
    List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
    command.addAll(List.of(Files.readString(folder().resolve("jvm-flags")).strip().split(" ")));
    String submitOptions = System.getenv().getOrDefault("SPARK_SUBMIT_OPTS", "").strip();
    if (!submitOptions.isEmpty()) {
      command.addAll(List.of(submitOptions.split("\\s+")));
    }
    Path archive = folder().resolve("classes.jsa");
    if (Files.exists(archive)) {
      command.addAll(List.of("-Xlog:cds*=off", "-XX:SharedArchiveFile=" + archive));
    }
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=conf/log4j2.properties",
            "-cp",
            String.join(":", entries),
            main));
    command.addAll(args);
    return command;
  }

  /** Runs a command, its output and errors to {@code log}; its exit code. */
  public static int run(List<String> command, Path log, int minutes)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish in " + minutes + " minutes");
    }
    return process.exitValue();
  }

  /** The jar or folder a class was loaded from. */
  public static String codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
