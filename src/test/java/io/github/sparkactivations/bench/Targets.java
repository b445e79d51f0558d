package io.github.sparkactivations.bench;

import io.github.sparkactivations.bench.Benchmark.Group;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The speed targets, checked against the figures of the same run. */
final class Targets {

  private record Target(String what, String measured, String goal, boolean met) {}

  private final List<Target> targets = new ArrayList<>();

  /** {@code ours}' time over the group baseline's time is at most {@code limit}. */
  void timeRatioAtMost(Group group, String ours, double limit) {
    double ratio = group.ratio(ours);
    add(
        group.title() + ": " + ours + " / baseline",
        ratio,
        String.format(Locale.ROOT, "≤ %.2f×", limit),
        ratio <= limit);
  }

  /**
   * {@code ours} is at least {@code factor} times as fast as {@code other}; a factor of 1 asks for
   * strictly faster.
   */
  void speedupAtLeast(Group group, String ours, String other, double factor) {
    double speedup = group.speedup(ours, other);
    String goal =
        factor == 1
            ? "faster than " + other
            : String.format(Locale.ROOT, "≥ %.1f× faster than %s", factor, other);
    add(
        group.title() + ": " + other + " / " + ours,
        speedup,
        goal,
        factor == 1 ? speedup > 1 : speedup >= factor);
  }

  void add(String what, double measured, String goal, boolean met) {
    add(what, String.format(Locale.ROOT, "%.2f", measured), goal, met);
  }

  void add(String what, String measured, String goal, boolean met) {
    targets.add(new Target(what, measured, goal, met));
  }

  String table() {
    StringBuilder table = new StringBuilder("| target | measured | goal | |\n|---|--:|---|---|\n");
    for (Target t : targets) {
      table
          .append("| ")
          .append(String.join(" | ", t.what(), t.measured(), t.goal(), t.met() ? "met" : "MISSED"))
          .append(" |\n");
    }
    return table.toString();
  }
}
