package io.github.sparkactivations.job;

import io.github.sparkactivations.LineRuntime;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The batch driver's jar run through scripts/spark-submit in a subprocess, as users run it. */
final class SparkSubmit {

  private SparkSubmit() {}

  /** Exit code and output of one run. */
  record Run(int code, String out, String err) {
    List<String> errorLines() {
      return err.lines().filter(l -> l.startsWith("error: ")).toList();
    }
  }

  /** This line's jar. */
  static final String JAR = "target/" + Version.jarName();

  private static List<String> command(String master, String jar, String... args) {
    return command(List.of(), master, jar, args);
  }

  /** {@code submitArgs} come first: --with, --conf, --driver-java-options. */
  private static List<String> command(
      List<String> submitArgs, String master, String jar, String... args) {
    List<String> command = new ArrayList<>(List.of("scripts/spark-submit"));
    command.addAll(submitArgs);
    command.addAll(List.of("--master", master, "--class", ActivationJob.class.getName(), jar));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The line's runtime and its class-data archive, recorded once per line (a sample run): called
   * before a timed run, so that the time is the run's own.
   */
  static void runtimeReady() throws Exception {
    LineRuntime.assemble(List.of());
  }

  /** A local run with these arguments of scripts/spark-submit before the job's. */
  static Run submit(List<String> submitArgs, String... args) throws Exception {
    return submit("local[2]", submitArgs, Map.of(), args);
  }

  /**
   * A run on {@code master} with these arguments of scripts/spark-submit before the job's and these
   * environment variables added.
   */
  static Run submit(
      String master, List<String> submitArgs, Map<String, String> environment, String... args)
      throws Exception {
    return run(command(submitArgs, master, JAR, args), environment);
  }

  /** Starts a local run with these arguments of scripts/spark-submit before the job's. */
  static Process startSubmit(
      List<String> submitArgs, Path log, Map<String, String> environment, String... args)
      throws IOException {
    return startSubmit("local[2]", submitArgs, log, environment, args);
  }

  /** Starts a run on {@code master}, as {@link #submit(String, List, Map, String...)} runs. */
  static Process startSubmit(
      String master,
      List<String> submitArgs,
      Path log,
      Map<String, String> environment,
      String... args)
      throws IOException {
    return start(command(submitArgs, master, JAR, args), log, environment);
  }

  /** Starts a run, its output and errors going to {@code log}. */
  static Process start(String master, Path log, String... args) throws IOException {
    return start(master, log, Map.of(), args);
  }

  /** Starts a run with these environment variables added. */
  static Process start(String master, Path log, Map<String, String> environment, String... args)
      throws IOException {
    return start(command(master, JAR, args), log, environment);
  }

  private static Process start(List<String> command, Path log, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  static Run run(String master, String... args) throws Exception {
    return runJar(master, JAR, args);
  }

  /** A run of {@code jar}, which may be another line's. */
  static Run runJar(String master, String jar, String... args) throws Exception {
    return runJar(master, jar, Map.of(), args);
  }

  /** A local run with these environment variables added. */
  static Run local(Map<String, String> environment, String... args) throws Exception {
    return runJar("local[2]", JAR, environment, args);
  }

  private static Run runJar(
      String master, String jar, Map<String, String> environment, String... args) throws Exception {
    return run(command(master, jar, args), environment);
  }

  private static Run run(List<String> command, Map<String, String> environment) throws Exception {
    Path out = Files.createTempFile("spark-submit", ".out");
    Path err = Files.createTempFile("spark-submit", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("spark-submit did not finish in 5 minutes: " + command);
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  static Run local(String... args) throws Exception {
    return run("local[2]", args);
  }
}
