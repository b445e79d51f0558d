package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging, swap and recovery rules on the local file system. */
class OutputCommitTest {

  @TempDir Path dir;

  private OutputCommit commit(String name) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
    return new OutputCommit(fs, new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()));
  }

  private static void stage(OutputCommit commit, String file, String content) throws IOException {
    Path staging = Path.of(commit.staging().toUri());
    Files.createDirectories(staging.resolve(file).getParent());
    Files.writeString(staging.resolve(file), content);
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aNewOutputAppearsOnlyAtCommit() throws IOException {
    OutputCommit commit = commit("out");
    stage(commit, "part-0.parquet", "new");
    assertFalse(commit.targetExists());
    assertEquals(List.of(commit.staging().getName()), names());
    assertTrue(commit.staging().getName().startsWith(".out._activations_staging_"));
    commit.commit(false);
    assertEquals(List.of("out"), names());
    assertEquals("new", Files.readString(dir.resolve("out/part-0.parquet")));
  }

  @Test
  void overwriteSwapsAndLeavesNothingBehind() throws IOException {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/part-0.parquet"), "old");
    OutputCommit commit = commit("out");
    stage(commit, "part-1.parquet", "new");
    commit.commit(true);
    assertEquals(List.of("out"), names());
    assertEquals(
        List.of("part-1.parquet"),
        Files.list(dir.resolve("out")).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void withoutReplaceAnOutputThatAppearedMeanwhileIsKept() throws IOException {
    OutputCommit commit = commit("out");
    stage(commit, "part-1.parquet", "new");
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/part-0.parquet"), "theirs");
    assertThrows(IllegalStateException.class, () -> commit.commit(false));
    assertEquals("theirs", Files.readString(dir.resolve("out/part-0.parquet")));
  }

  @Test
  void abortRemovesTheStagingAndKeepsTheOldOutput() throws IOException {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/part-0.parquet"), "old");
    OutputCommit commit = commit("out");
    stage(commit, "part-1.parquet", "half");
    commit.abort();
    assertEquals(List.of("out"), names());
    assertEquals("old", Files.readString(dir.resolve("out/part-0.parquet")));
  }

  @Test
  void appendMovesTheNewFilesInAndReplacesTheSummary() throws IOException {
    Files.createDirectories(dir.resolve("out/day=1"));
    Files.writeString(dir.resolve("out/day=1/part-0.parquet"), "old");
    Files.writeString(dir.resolve("out/_ACTIVATIONS.json"), "{old}");
    OutputCommit commit = commit("out");
    stage(commit, "day=2/part-1.parquet", "new");
    stage(commit, "_ACTIVATIONS.json", "{new}");
    stage(commit, "_SUCCESS", "");
    stage(commit, OutputCommit.runRecord("day 2"), "{run}");
    assertFalse(commit.holdsRun("day 2"));
    commit.appendToTarget("day 2", "_ACTIVATIONS.json");
    assertEquals(List.of("out"), names());
    assertEquals("old", Files.readString(dir.resolve("out/day=1/part-0.parquet")));
    assertEquals("new", Files.readString(dir.resolve("out/day=2/part-1.parquet")));
    assertEquals("{new}", Files.readString(dir.resolve("out/_ACTIVATIONS.json")));
    assertTrue(commit.holdsRun("day 2"));
    assertFalse(commit.holdsRun("day 3"));
    assertFalse(Files.exists(dir.resolve("out/_SUCCESS")));
    assertFalse(Files.exists(dir.resolve("out").resolve(OutputCommit.APPEND_MANIFEST)));
  }

  /**
   * What Spark's committer may leave of its work folder (an object store can keep an emptied
   * _temporary folder after Spark's cleanup) is neither data nor appended.
   */
  @Test
  void sparksWorkFolderIsNeitherDataNorAppended() throws IOException {
    Files.createDirectories(dir.resolve("out"));
    OutputCommit commit = commit("out");
    stage(commit, "day=2/part-1.parquet", "new");
    stage(commit, "_temporary/0/task_0/part-1.parquet", "uncommitted");
    Files.createDirectories(Path.of(commit.staging().toUri()).resolve("_temporary/0/empty"));
    assertEquals(
        List.of(new org.apache.hadoop.fs.Path(commit.staging(), "day=2/part-1.parquet").toString()),
        commit.stagedDataFiles());
    commit.appendToTarget(null);
    assertEquals("new", Files.readString(dir.resolve("out/day=2/part-1.parquet")));
    assertFalse(Files.exists(dir.resolve("out/_temporary")));
  }

  @Test
  void aClashingFileStopsAnAppendBeforeItIsCommitted() throws IOException {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/part-0.parquet"), "old");
    OutputCommit commit = commit("out");
    stage(commit, "part-0.parquet", "new");
    assertThrows(IllegalStateException.class, () -> commit.appendToTarget(null));
    assertFalse(Files.exists(dir.resolve("out").resolve(OutputCommit.APPEND_MANIFEST)));
    commit.abort();
    assertEquals(List.of("out"), names());
    assertEquals("old", Files.readString(dir.resolve("out/part-0.parquet")));
  }

  /** A driver that died after committing an append and moving some files (the manifest lists). */
  @Test
  void theNextRunFinishesACommittedAppend() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("part-0.parquet"), "old");
    Files.writeString(out.resolve("_ACTIVATIONS.json"), "{old}");
    Path staging = Files.createDirectories(dir.resolve(".out._activations_staging_dead"));
    Files.writeString(out.resolve("part-1.parquet"), "moved before the crash");
    Files.writeString(staging.resolve("part-2.parquet"), "not moved");
    Files.writeString(staging.resolve("_ACTIVATIONS.json"), "{new}");
    Files.createDirectories(staging.resolve("_ACTIVATIONS_RUNS"));
    Files.writeString(staging.resolve(OutputCommit.runRecord("r1")), "{run}");
    Files.writeString(
        out.resolve(OutputCommit.APPEND_MANIFEST),
        "{\"staging\":\""
            + staging.toUri()
            + "\",\"files\":[\"part-1.parquet\",\"part-2.parquet\",\"_ACTIVATIONS.json\","
            + "\"_ACTIVATIONS_RUNS/r1.json\"],\"replaced\":[\"_ACTIVATIONS.json\"],"
            + "\"runId\":\"r1\"}");
    OutputCommit next = commit("out");
    List<String> done = next.recoverInterruptedRuns();
    assertEquals(1, done.size(), done.toString());
    assertTrue(done.get(0).endsWith(": moved its last 3 of 4 files (run id r1)"), done.toString());
    assertEquals(List.of("out"), names());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of(
              "_ACTIVATIONS.json",
              "_ACTIVATIONS_RUNS",
              "part-0.parquet",
              "part-1.parquet",
              "part-2.parquet"),
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith(".crc"))
              .sorted()
              .toList());
    }
    assertEquals("{new}", Files.readString(out.resolve("_ACTIVATIONS.json")));
    assertTrue(next.holdsRun("r1"));
    assertEquals(
        List.of(), commit("out").recoverInterruptedRuns(), "a second recovery has nothing to do");
  }

  @Test
  void anyRunIdMakesOneFileName() {
    assertEquals(
        "_ACTIVATIONS_RUNS/2026-11-29.daily_v2.json",
        OutputCommit.runRecord("2026-11-29.daily_v2"));
    assertEquals(
        "_ACTIVATIONS_RUNS/scheduled__2026-11-29T00~3A00~3A00~2B00~3A00.json",
        OutputCommit.runRecord("scheduled__2026-11-29T00:00:00+00:00"));
    assertEquals("_ACTIVATIONS_RUNS/~2E.~2Fx.json", OutputCommit.runRecord("../x"));
    assertEquals("_ACTIVATIONS_RUNS/~C3~A9t~C3~A9.json", OutputCommit.runRecord("\u00e9t\u00e9"));
  }

  @Test
  void theNextRunCleansUpAfterAnInterruptedOne() throws IOException {
    // A killed run left its staging; another was killed mid-swap, after moving the old output
    // aside.
    Files.createDirectories(dir.resolve(".out._activations_staging_dead/x"));
    Files.createDirectories(dir.resolve(".out._activations_previous_dead"));
    Files.writeString(dir.resolve(".out._activations_previous_dead/part-0.parquet"), "old");
    Files.createDirectories(dir.resolve(".other._activations_staging_keep"));
    List<String> done = commit("out").recoverInterruptedRuns();
    assertEquals(2, done.size(), done.toString());
    assertTrue(done.get(0).startsWith("restored "), done.toString());
    assertEquals(List.of(".other._activations_staging_keep", "out"), names());
    assertEquals("old", Files.readString(dir.resolve("out/part-0.parquet")));
  }
}
