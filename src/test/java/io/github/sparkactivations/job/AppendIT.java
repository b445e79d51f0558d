package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparkactivations.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --mode append} and {@code --run-id} end to end through SparkSubmit: an append is all or
 * nothing whatever moment the driver dies, and a rerun writes nothing once the output holds its
 * run. Rows are told apart by id: each day's input has ids of its own.
 */
class AppendIT {

  private static final int ROWS = 300;
  private static final int BIG_ROWS = 200_000;

  /** Where the kill lands in the big append's moves (of 42). */
  private static final int HALF_OF_THE_MOVES = 20;

  @TempDir static Path dir;

  /** An output holding day 1's run (run id day-1); tests append to copies of it. */
  private static Path dayOneOutput;

  @BeforeAll
  static void inputsAndAFirstRun() throws Exception {
    for (int day = 1; day <= 3; day++) {
      logits(day * 1000L, ROWS, 3).write().parquet(input(day).toString());
    }
    logits(100_000L, BIG_ROWS, 8).write().parquet(dir.resolve("big").toString());
    dayOneOutput = dir.resolve("day-one");
    SparkSubmit.Run first = append(dayOneOutput, input(1), "day-1");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("(created)"), first.out());
  }

  private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> logits(
      long firstId, int rows, int partitions) {
    return SparkTestSession.get()
        .range(firstId, firstId + rows, 1, partitions)
        .selectExpr("id", "transform(sequence(0, 9), i -> CAST(sin(id + i) * 5 AS FLOAT)) AS farr");
  }

  private static Path input(int day) {
    return dir.resolve("day" + day);
  }

  private static String[] appendArgs(Path output, Path input, String runId, int partitions) {
    return new String[] {
      "--input",
      input.toString(),
      "--output",
      output.toString(),
      "--mode",
      "append",
      "--apply",
      "p=softmax(farr)",
      "--partitions",
      Integer.toString(partitions),
      "--run-id",
      runId
    };
  }

  private static SparkSubmit.Run append(Path output, Path input, String runId) throws Exception {
    return SparkSubmit.local(appendArgs(output, input, runId, 3));
  }

  /** The ids in the output, sorted, as a Spark reader of the folder sees them. */
  private static List<Long> ids(Path output) {
    return SparkTestSession.get()
        .read()
        .parquet(output.toString())
        .select("id")
        .as(Encoders.LONG())
        .collectAsList()
        .stream()
        .sorted()
        .toList();
  }

  /** Every row of these inputs exactly once. */
  private static List<Long> idsOf(long... firstIdsAndCounts) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < firstIdsAndCounts.length; i += 2) {
      LongStream.range(firstIdsAndCounts[i], firstIdsAndCounts[i] + firstIdsAndCounts[i + 1])
          .forEach(ids::add);
    }
    return ids.stream().sorted().toList();
  }

  private static List<String> runRecords(Path output) throws IOException {
    try (Stream<Path> records = Files.list(output.resolve(OutputCommit.RUNS))) {
      return records
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".crc"))
          .sorted()
          .toList();
    }
  }

  private static Path copyOfDayOne(String name) throws IOException {
    Path copy = dir.resolve(name);
    try (Stream<Path> files = Files.walk(dayOneOutput)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(dayOneOutput.relativize(file).toString()));
      }
    }
    return copy;
  }

  @Test
  void aRunIdIsCommittedOnceInAppendAndOverwrite() throws Exception {
    Path output = copyOfDayOne("daily");
    var before = ActivationJobIT.fingerprint(output);
    SparkSubmit.Run again = append(output, input(1), "day-1");
    assertEquals(0, again.code(), again.err());
    assertEquals(
        "run day-1 is already committed to " + output + ": nothing written\n", again.out());
    assertEquals(before, ActivationJobIT.fingerprint(output));

    SparkSubmit.Run dayTwo = append(output, input(2), "day-2");
    assertEquals(0, dayTwo.code(), dayTwo.err());
    assertTrue(dayTwo.out().contains(output + " (appended 3 files)"), dayTwo.out());
    assertTrue(dayTwo.out().contains("  run id:     day-2\n"), dayTwo.out());

    // run.id from a config file, as a scheduler's job definition would carry it.
    Path config = dir.resolve("day-3.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "input = " + input(3),
            "output = " + output,
            "mode = append",
            "apply = p=softmax(farr)",
            "run.id = scheduled__2026-11-29T00:00:00+00:00"),
        StandardCharsets.UTF_8);
    SparkSubmit.Run dayThree = SparkSubmit.local("--config", config.toString());
    assertEquals(0, dayThree.code(), dayThree.err());
    assertTrue(dayThree.out().contains("(appended "), dayThree.out());
    SparkSubmit.Run retried = SparkSubmit.local("--config", config.toString());
    assertEquals(0, retried.code(), retried.err());
    assertTrue(retried.out().contains("is already committed"), retried.out());
    assertEquals(idsOf(1000, ROWS, 2000, ROWS, 3000, ROWS), ids(output));
    assertEquals(
        List.of("day-1.json", "day-2.json", "scheduled__2026-11-29T00~3A00~3A00~2B00~3A00.json"),
        runRecords(output));

    // Overwrite replaces the rows and with them the runs the output held.
    String[] overwrite = {
      "--input", input(2).toString(),
      "--output", output.toString(),
      "--mode", "overwrite",
      "--apply", "p=softmax(farr)",
      "--run-id", "full-2"
    };
    SparkSubmit.Run replaced = SparkSubmit.local(overwrite);
    assertEquals(0, replaced.code(), replaced.err());
    assertTrue(replaced.out().contains(output + " (replaced)"), replaced.out());
    assertEquals(List.of("full-2.json"), runRecords(output));
    SparkSubmit.Run replacedAgain = SparkSubmit.local(overwrite);
    assertTrue(
        replacedAgain.out().contains("run full-2 is already committed"), replacedAgain.out());
    assertEquals(idsOf(2000, ROWS), ids(output));
  }

  /**
   * The driver stops dead (as kill -9 would stop it) at each point of an append; the retry, with
   * the same run id, first undoes (before the commit point) or finishes (after it) what the cut run
   * left, and the output then holds every row of both days exactly once.
   */
  @Tag("faults")
  @ParameterizedTest
  @ValueSource(strings = {"before-manifest", "after-manifest", "after-move-2", "before-cleanup"})
  void anAppendCutAtAnyPointIsUndoneOrFinishedByTheRetry(String point) throws Exception {
    Path output = copyOfDayOne("cut-" + point);
    SparkSubmit.Run cut =
        SparkSubmit.local(
            Map.of(FaultPoints.CRASH_POINT, point), appendArgs(output, input(2), "day-2", 3));
    assertEquals(137, cut.code(), cut.out() + cut.err());
    if (point.equals("before-manifest")) {
      assertEquals(idsOf(1000, ROWS), ids(output), "nothing of the cut run is visible");
    }

    SparkSubmit.Run retry = append(output, input(2), "day-2");
    assertEquals(0, retry.code(), retry.err());
    if (point.equals("before-manifest")) {
      assertTrue(retry.out().contains("(staging left by an interrupted run)"), retry.out());
      assertTrue(retry.out().contains("(appended 3 files)"), retry.out());
    } else {
      int moved = point.equals("after-manifest") ? 5 : point.equals("after-move-2") ? 3 : 0;
      assertTrue(
          retry.out().contains("moved its last " + moved + " of 5 files (run id day-2)"),
          retry.out());
      assertTrue(retry.out().contains("run day-2 is already committed"), retry.out());
    }
    List<Long> ids = ids(output);
    System.out.println("cut " + point + ": " + ids.size() + " rows after the retry");
    assertEquals(idsOf(1000, ROWS, 2000, ROWS), ids);
    assertEquals(List.of(), ActivationJobIT.leftovers(output));
    assertFalse(Files.exists(output.resolve(OutputCommit.APPEND_MANIFEST)));
    assertEquals(List.of("day-1.json", "day-2.json"), runRecords(output));
  }

  /**
   * A real kill -9 of a larger append (40 files): once while Spark writes the staging folder, and
   * once halfway through the moves after the commit point, where a fault point holds the driver
   * until the kill; each time the test checks that phase was hit, and the retry leaves every row
   * exactly once.
   */
  @Tag("faults")
  @ParameterizedTest
  @ValueSource(strings = {"writing", "moving"})
  void killedWhileWritingOrMovingThenRetriedEveryRowIsThereOnce(String when) throws Exception {
    Path output = copyOfDayOne("killed-" + when);
    String[] args = appendArgs(output, dir.resolve("big"), "big", 40);
    boolean writing = when.equals("writing");
    Map<String, String> pause =
        writing ? Map.of() : Map.of(FaultPoints.PAUSE_POINT, "after-move-" + HALF_OF_THE_MOVES);
    Process process = SparkSubmit.start("local[2]", log(when), pause, args);
    long deadline = System.currentTimeMillis() + 180_000;
    while (process.isAlive()
        && System.currentTimeMillis() < deadline
        && (writing
            ? ActivationJobIT.leftovers(output).isEmpty()
            : !Files.readString(log(when)).contains("paused at after-move-"))) {
      Thread.sleep(10);
    }
    assertTrue(process.isAlive(), "the run ended before it could be killed: " + read(when));
    assertTrue(System.currentTimeMillis() < deadline, "the phase never came: " + read(when));
    process.destroyForcibly().waitFor();
    Path manifest = output.resolve(OutputCommit.APPEND_MANIFEST);
    List<Long> seen = ids(output);
    if (writing) {
      List<String> staging = ActivationJobIT.leftovers(output);
      assertEquals(1, staging.size(), staging.toString());
      assertFalse(
          Files.exists(output.resolveSibling(staging.get(0)).resolve("_SUCCESS")),
          "killed after Spark's job had finished, not while it wrote");
      assertFalse(Files.exists(manifest), "killed before the commit point");
      assertEquals(idsOf(1000, ROWS), seen, "readers see nothing of the killed run");
    } else {
      assertTrue(Files.exists(manifest), "killed after the commit point");
    }
    System.out.println("killed while " + when + ": readers saw " + seen.size() + " rows");

    SparkSubmit.Run retry = SparkSubmit.local(args);
    assertEquals(0, retry.code(), retry.err());
    if (!writing) {
      // 40 data files, the summary and the run record.
      String finished = "moved its last " + (42 - HALF_OF_THE_MOVES) + " of 42 files (run id big)";
      assertTrue(retry.out().contains(finished), retry.out());
    }
    List<Long> ids = ids(output);
    System.out.println("killed while " + when + ": " + ids.size() + " rows after the retry");
    assertEquals(idsOf(1000, ROWS, 100_000, BIG_ROWS), ids);
    assertEquals(List.of(), ActivationJobIT.leftovers(output));
    assertEquals(List.of("big.json", "day-1.json"), runRecords(output));
  }

  private static Path log(String when) {
    return dir.resolve("killed-" + when + ".log");
  }

  private static String read(String when) {
    try {
      return Files.readString(log(when));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
