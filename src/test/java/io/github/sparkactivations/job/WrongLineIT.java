package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sparkactivations.LineRuntime;
import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar of another Spark line on this line's Spark: every way in fails at once with one line naming
 * the jar's line, the running Spark and the jar to use. The other line's jar is a real one: {@code
 * -Dforeign.jar=PATH} (the test script passes the 4.2 jar on the other lines), or one built into
 * {@code target/} before; with none, the tests skip and say so.
 */
class WrongLineIT {

  private static final Pattern JAR_NAME =
      Pattern.compile("spark-activations-spark(\\d+\\.\\d+)_(\\d+\\.\\d+)-.*\\.jar");

  @TempDir static Path dir;
  private static Path foreign;
  private static String expected;

  @BeforeAll
  static void foreignJar() throws IOException {
    String given = System.getProperty("foreign.jar", "");
    foreign = given.isEmpty() ? anotherLinesJar() : Path.of(given);
    if (foreign == null) {
      return;
    }
    Matcher name = JAR_NAME.matcher(foreign.getFileName().toString());
    assertTrue(name.matches(), foreign.toString());
    assertFalse(
        name.group(1).equals(Version.sparkLine()) && name.group(2).equals(scalaBinary()),
        "not another line's jar: " + foreign);
    expected =
        foreign.getFileName()
            + " is built for Spark "
            + name.group(1)
            + " with Scala "
            + name.group(2)
            + ", but this is Spark "
            + org.apache.spark.package$.MODULE$.SPARK_VERSION()
            + " with Scala "
            + scala.util.Properties.versionNumberString()
            + ": use "
            + Version.jarName()
            + " instead";
  }

  /** Skipped test by test: a class skipped as a whole is reported as no tests at all. */
  @BeforeEach
  void needsAnotherLinesJar() {
    assumeTrue(foreign != null, "no other line's jar in target/ (build one, e.g. -Pspark-4.1)");
  }

  /** A jar of another line that an earlier build left in target/, or null. */
  private static Path anotherLinesJar() throws IOException {
    try (Stream<Path> jars = Files.list(Path.of("target"))) {
      return jars.filter(p -> JAR_NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> !p.getFileName().toString().equals(Version.jarName()))
          .findFirst()
          .orElse(null);
    }
  }

  private static String scalaBinary() {
    return scala.util.Properties.versionNumberString().replaceAll("^(\\d+\\.\\d+).*", "$1");
  }

  @Test
  void theDriverStopsWithOneLineAndExitCodeTwo() throws Exception {
    SparkSubmit.Run run = SparkSubmit.runJar("local[1]", foreign.toString(), "functions");
    assertEquals(2, run.code(), run.err());
    assertEquals(List.of("error: " + expected), run.errorLines(), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    assertTrue(run.out().isEmpty(), run.out());
  }

  @Test
  void everyWayOfInstallingTheFunctionsSaysWhichJarToUse() throws Exception {
    LineRuntime.assemble(List.of());
    List<String> command =
        LineRuntime.java(
            List.of(foreign.toString(), LineRuntime.codeSource(WrongLineIT.class)),
            "io.github.sparkactivations.sql.WrongLineProbe",
            List.of());
    Path out = dir.resolve("probe.out");
    assertEquals(0, LineRuntime.run(command, out, 3), Files.readString(out));
    List<String> reports =
        Files.readAllLines(out).stream()
            .filter(l -> l.matches("^(register|column|transformer|extension): .*"))
            .toList();
    assertEquals(
        List.of(
            "register: IllegalStateException: " + expected,
            "column: IllegalStateException: " + expected,
            "transformer: IllegalStateException: " + expected,
            "extension: IllegalStateException: " + expected),
        reports,
        Files.readString(out));
  }
}
