package io.github.sparkactivations.job;

import static io.github.sparkactivations.job.Io.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes go to a staging folder beside the target and become visible only by rename, after the
 * Spark job succeeded. Overwrite swaps old for new, so a failure at any point leaves the old output
 * complete. Staging and swap folders are hidden (leading dot, ignored by Spark readers) and named
 * after the target, so the next run recognises what an interrupted one left.
 *
 * <p>An append moves files one by one, so it is made all-or-nothing by a manifest: the list of
 * files to move, written into the target atomically (create, then rename) before the first move.
 * Before the manifest exists nothing of the run is in the target and the next run removes its
 * staging; once it exists the append is committed and the next run finishes the moves. A run id is
 * recorded as one more file of the run, moved last, in {@value #RUNS}: an output holds a run
 * exactly when that record exists.
 */
final class OutputCommit {

  private static final String STAGING = "._activations_staging_";
  private static final String PREVIOUS = "._activations_previous_";

  /** In the target while an append is committed but not yet fully moved. */
  static final String APPEND_MANIFEST = "_ACTIVATIONS_APPEND.json";

  /** In the target: one record per run id whose rows the output holds. */
  static final String RUNS = "_ACTIVATIONS_RUNS";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private boolean committedAppend;

  OutputCommit(FileSystem fs, Path target) {
    this.fs = fs;
    this.target = new Path(target.toString()); // re-parsed: drops a trailing slash
    this.staging = sibling(STAGING + UUID.randomUUID());
  }

  Path target() {
    return target;
  }

  /** Where Spark writes; it does not exist yet. */
  Path staging() {
    return staging;
  }

  boolean targetExists() {
    return io(() -> fs.exists(target));
  }

  /**
   * Cleans up after an interrupted run on the same target: a previous output moved aside but never
   * replaced is restored; leftover staging and swap folders are removed. Returns what was done, one
   * line each.
   */
  List<String> recoverInterruptedRuns() {
    List<String> done = new ArrayList<>();
    for (FileStatus leftover : leftovers(PREVIOUS)) {
      if (!targetExists()) {
        io(() -> fs.rename(leftover.getPath(), target));
        done.add(
            "restored " + target + " from " + leftover.getPath() + " (an interrupted overwrite)");
      } else {
        io(() -> fs.delete(leftover.getPath(), true));
        done.add("removed " + leftover.getPath() + " (left by an interrupted overwrite)");
      }
    }
    Path manifest = new Path(target, APPEND_MANIFEST);
    if (io(() -> fs.exists(manifest))) {
      Manifest interrupted = readManifest(manifest);
      int moved = finishAppend(interrupted);
      done.add(
          "finished an interrupted append to "
              + target
              + ": moved its last "
              + moved
              + " of "
              + interrupted.files().size()
              + " files"
              + (interrupted.runId() == null ? "" : " (run id " + interrupted.runId() + ")"));
    }
    io(() -> fs.delete(new Path(target, "." + APPEND_MANIFEST), false)); // never renamed: no commit
    for (FileStatus leftover : leftovers(STAGING)) {
      io(() -> fs.delete(leftover.getPath(), true));
      done.add("removed " + leftover.getPath() + " (staging left by an interrupted run)");
    }
    return done;
  }

  /** Makes the staged output the target: a rename, or a swap when replacing. */
  void commit(boolean replace) {
    if (!targetExists()) {
      rename(staging, target);
      return;
    }
    if (!replace) {
      throw new IllegalStateException(
          target + " appeared while the job ran; the result stays in " + staging);
    }
    Path previous = sibling(PREVIOUS + UUID.randomUUID());
    rename(target, previous);
    try {
      rename(staging, target);
    } catch (RuntimeException e) {
      rename(previous, target);
      throw e;
    }
    io(() -> fs.delete(previous, true));
  }

  /**
   * Adds the staged files to the existing target (append mode), all or nothing: data files keep
   * their relative folders (partitions; Spark's part names are unique per job), {@code replaced}
   * files (the summary) take the place of the target's, and the run record comes last.
   */
  void appendToTarget(String runId, String... replaced) {
    List<String> files = new ArrayList<>();
    List<String> records = new ArrayList<>();
    for (Path file : stagedFiles()) {
      String relative = relative(file);
      if (relative.startsWith(RUNS + "/")) {
        records.add(relative);
      } else if (!relative.equals("_SUCCESS")) {
        files.add(relative);
        if (!List.of(replaced).contains(relative)
            && io(() -> fs.exists(new Path(target, relative)))) {
          throw new IllegalStateException(
              "cannot append: " + new Path(target, relative) + " already exists");
        }
      }
    }
    files.addAll(records);
    Manifest manifest = new Manifest(staging.toString(), files, List.of(replaced), runId);
    FaultPoints.reached("before-manifest");
    Path temporary = new Path(target, "." + APPEND_MANIFEST);
    try (OutputStream stream = io(() -> fs.create(temporary, true))) {
      JSON.writeValue(stream, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rename(temporary, new Path(target, APPEND_MANIFEST)); // the commit point
    FaultPoints.reached("after-manifest");
    committedAppend = true;
    try {
      finishAppend(manifest);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the append to "
              + target
              + " is committed but stopped ("
              + e.getMessage()
              + "); the next run on this output finishes it",
          e);
    }
  }

  /** Moves what a committed append has not moved yet; idempotent. Returns the files it moved. */
  private int finishAppend(Manifest manifest) {
    Path from = new Path(manifest.staging());
    int moved = 0;
    for (String relative : manifest.files()) {
      Path source = new Path(from, relative);
      Path destination = new Path(target, relative);
      if (io(() -> fs.exists(source))) {
        if (manifest.replaced().contains(relative)) {
          io(() -> fs.delete(destination, false));
        }
        io(() -> fs.mkdirs(destination.getParent()));
        rename(source, destination);
        moved++;
        FaultPoints.reached("after-move-" + moved);
      } else if (!io(() -> fs.exists(destination))) {
        throw new IllegalStateException(
            "cannot finish the append recorded in "
                + new Path(target, APPEND_MANIFEST)
                + ": "
                + relative
                + " is neither staged nor in the output; check the output, then delete that file");
      }
    }
    FaultPoints.reached("before-cleanup");
    io(() -> fs.delete(new Path(target, APPEND_MANIFEST), false));
    io(() -> fs.delete(from, true));
    return moved;
  }

  /** Whether the target holds the run with this id (its record was committed). */
  boolean holdsRun(String runId) {
    return io(() -> fs.exists(new Path(target, runRecord(runId))));
  }

  /** The run record's path inside an output. */
  static String runRecord(String runId) {
    return RUNS + "/" + runRecordName(runId);
  }

  /**
   * The run record's file name: the id with characters outside [A-Za-z0-9_.-] (and a leading dot)
   * written as ~XX of their UTF-8 bytes, so any id makes one file name.
   */
  static String runRecordName(String runId) {
    StringBuilder name = new StringBuilder();
    for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || (c == '.' && !name.isEmpty());
      name.append(plain ? String.valueOf(c) : String.format("~%02X", b & 0xff));
    }
    return name.append(".json").toString();
  }

  /** What an append moves, from where, and the run it commits. */
  record Manifest(String staging, List<String> files, List<String> replaced, String runId) {}

  private Manifest readManifest(Path manifest) {
    try (InputStream stream = io(() -> fs.open(manifest))) {
      return JSON.readValue(stream, Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The staged data files. Spark skips hidden folders like the staging one when given them as a
   * root, so readers of the staged result are given its files.
   */
  List<String> stagedDataFiles() {
    return stagedFiles().stream()
        .filter(p -> Arrays.stream(relative(p).split("/")).noneMatch(OutputCommit::hidden))
        .map(Path::toString)
        .toList();
  }

  /** A name Spark's readers skip: its own files such as _SUCCESS, and hidden ones. */
  private static boolean hidden(String name) {
    return (name.startsWith("_") && !name.contains("=")) || name.startsWith(".");
  }

  /** A new file in the staging folder, e.g. the run's summary. */
  OutputStream createInStaging(String name) {
    return io(() -> fs.create(new Path(staging, name), false));
  }

  /**
   * Removes the staging folder after a failure, unless an append from it is committed: then the
   * next run on the target finishes the moves.
   */
  void abort() {
    if (!committedAppend) {
      io(() -> fs.delete(staging, true));
    }
  }

  /** A staged file's path inside the staging folder, e.g. {@code day=2/part-0.parquet}. */
  private String relative(Path stagedFile) {
    return staging.toUri().relativize(stagedFile.toUri()).getPath();
  }

  private List<Path> stagedFiles() {
    List<Path> files = new ArrayList<>();
    collectFiles(staging, files);
    return files;
  }

  /**
   * The files under {@code folder}, skipping hidden folders but the run records': what Spark's
   * committer may leave of its work folder (_temporary) is not output. An object store can show
   * such a folder after Spark's cleanup and then fail to list it.
   */
  private void collectFiles(Path folder, List<Path> files) {
    for (FileStatus status : io(() -> fs.listStatus(folder))) {
      String name = status.getPath().getName();
      if (!status.isDirectory()) {
        files.add(status.getPath());
      } else if (!hidden(name) || name.equals(RUNS)) {
        collectFiles(status.getPath(), files);
      }
    }
  }

  private List<FileStatus> leftovers(String kind) {
    Path parent = target.getParent();
    if (!io(() -> fs.exists(parent))) {
      return List.of();
    }
    String prefix = "." + target.getName() + kind;
    return List.of(io(() -> fs.listStatus(parent, p -> p.getName().startsWith(prefix))));
  }

  private Path sibling(String suffix) {
    return new Path(target.getParent(), "." + target.getName() + suffix);
  }

  private void rename(Path from, Path to) {
    if (!io(() -> fs.rename(from, to))) {
      throw new IllegalStateException("could not rename " + from + " to " + to);
    }
  }
}
