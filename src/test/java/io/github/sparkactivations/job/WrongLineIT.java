package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.core.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar of another Spark line on this line's Spark: every way in fails at once with one line naming
 * the jar's line, the running Spark and the jar to use. The other line's jar is the real one when
 * the build passes {@code -Dforeign.jar=PATH} (the test script does, with the 4.2 jar, on the other
 * lines); otherwise this line's jar relabelled as another line's, which the check cannot tell
 * apart.
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
    if (!given.isEmpty()) {
      foreign = Path.of(given);
    } else {
      String other = Version.sparkLine().equals("4.2") ? "4.1" : "4.2";
      foreign = dir.resolve(Version.jarName(other, "2.13"));
      relabel(Path.of("target", Version.jarName()), foreign, other, "2.13");
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

  private static String scalaBinary() {
    return scala.util.Properties.versionNumberString().replaceAll("^(\\d+\\.\\d+).*", "$1");
  }

  /** A copy of {@code jar} whose build properties claim another line. */
  private static void relabel(Path jar, Path copy, String line, String scala) throws IOException {
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        out.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream data = in.getInputStream(entry)) {
          if (entry.getName().equals("io/github/sparkactivations/version.properties")) {
            String text = new String(data.readAllBytes(), "UTF-8");
            text = text.replaceAll("(?m)^spark\\.line=.*$", "spark.line=" + line);
            text =
                text.replaceAll(
                    "(?m)^scala\\.binary\\.version=.*$", "scala.binary.version=" + scala);
            out.write(text.getBytes("UTF-8"));
          } else {
            data.transferTo(out);
          }
        }
        out.closeEntry();
      }
    }
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
    Path runtime = Path.of("target/spark-runtime", System.getenv("SPARK_LINE"));
    if (!Files.exists(runtime.resolve("complete"))) {
      SparkSubmit.run("local[1]", "--version"); // assembles the runtime
    }
    List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
    command.addAll(List.of(Files.readString(runtime.resolve("jvm-flags")).strip().split(" ")));
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=conf/log4j2.properties",
            "-cp",
            runtime.resolve("jars") + "/*:" + foreign + ":" + testClasses(),
            "io.github.sparkactivations.sql.WrongLineProbe"));
    Path out = dir.resolve("probe.out");
    Process probe =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!probe.waitFor(3, TimeUnit.MINUTES)) {
      probe.destroyForcibly();
      throw new AssertionError("the probe did not finish in 3 minutes");
    }
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

  private static Path testClasses() throws Exception {
    return Path.of(WrongLineIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
