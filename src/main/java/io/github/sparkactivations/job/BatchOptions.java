package io.github.sparkactivations.job;

import java.util.List;

/** How a batch run writes, whatever its output: the options of {@code run} that sinks read. */
record BatchOptions(
    Mode mode,
    boolean overwritePartitions,
    String runId,
    Integer partitions,
    List<String> partitionBy,
    String compression,
    boolean dryRun) {

  /** Save modes of the output. */
  enum Mode {
    ERROR,
    OVERWRITE,
    IGNORE,
    APPEND
  }
}
