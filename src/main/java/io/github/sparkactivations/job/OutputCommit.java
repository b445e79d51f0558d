package io.github.sparkactivations.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
 */
final class OutputCommit {

  private static final String STAGING = "._activations_staging_";
  private static final String PREVIOUS = "._activations_previous_";

  private final FileSystem fs;
  private final Path target;
  private final Path staging;

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
   * Adds the staged files to the existing target (append mode): data files are moved one rename
   * each, keeping their relative folders (partitions); Spark's part names are unique per job.
   */
  void appendToTarget(String... replacedFiles) {
    List<Path> files = new ArrayList<>();
    collectFiles(staging, files);
    for (Path file : files) {
      String relative = staging.toUri().relativize(file.toUri()).getPath();
      Path destination = new Path(target, relative);
      if (relative.equals("_SUCCESS")) {
        continue;
      }
      if (List.of(replacedFiles).contains(relative)) {
        io(() -> fs.delete(destination, false));
      } else if (io(() -> fs.exists(destination))) {
        throw new IllegalStateException("cannot append: " + destination + " already exists");
      }
      io(() -> fs.mkdirs(destination.getParent()));
      rename(file, destination);
    }
    abort();
  }

  /**
   * The staged data files. Spark skips hidden folders like the staging one when given them as a
   * root, so readers of the staged result are given its files.
   */
  List<String> stagedDataFiles() {
    List<Path> files = new ArrayList<>();
    collectFiles(staging, files);
    return files.stream()
        .filter(p -> !p.getName().startsWith("_") && !p.getName().startsWith("."))
        .map(Path::toString)
        .toList();
  }

  /** A new file in the staging folder, e.g. the run's summary. */
  OutputStream createInStaging(String name) {
    return io(() -> fs.create(new Path(staging, name), false));
  }

  /** Removes the staging folder (after a failure, or once its files were moved). */
  void abort() {
    io(() -> fs.delete(staging, true));
  }

  private void collectFiles(Path folder, List<Path> files) {
    for (FileStatus status : io(() -> fs.listStatus(folder))) {
      if (status.isDirectory()) {
        collectFiles(status.getPath(), files);
      } else {
        files.add(status.getPath());
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

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private static <T> T io(IoAction<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
