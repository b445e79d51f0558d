package io.github.sparkactivations.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A group of named cases timed side by side, in the shape of Spark's {@code
 * org.apache.spark.benchmark.Benchmark}: warm-up, several iterations, best/avg/stdev, rate, time
 * per row and each case's time relative to the group's baseline.
 *
 * <p>Cases run round-robin (one iteration of each case per round) rather than one case after the
 * other, so drifts of the machine (JIT, GC, heat) spread over every case instead of favouring one.
 */
final class Benchmark {

  /** What a case is for: the group's reference, a lower bound on the cost, or a contender. */
  enum Role {
    BASELINE,
    FLOOR,
    CASE
  }

  record Case(String name, Role role, Runnable body) {}

  /** Timings of one case, in milliseconds. */
  record Result(String name, Role role, long rows, double bestMs, double avgMs, double stdevMs) {

    double rowsPerSecond() {
      return rows / (bestMs / 1e3);
    }

    double nsPerRow() {
      return bestMs * 1e6 / rows;
    }
  }

  /** The measured group: its title and the results in the order the cases were added. */
  record Group(String title, List<Result> results) {

    Result result(String name) {
      return results.stream()
          .filter(r -> r.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no case '" + name + "' in " + title));
    }

    Result baseline() {
      return results.stream()
          .filter(r -> r.role() == Role.BASELINE)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no baseline in " + title));
    }

    /** The case's best time over the baseline's best time: below 1 is faster. */
    double ratio(String name) {
      return result(name).bestMs() / baseline().bestMs();
    }

    /** How many times as fast {@code ours} is as {@code other}, by best times. */
    double speedup(String ours, String other) {
      return result(other).bestMs() / result(ours).bestMs();
    }

    /** The group as a Markdown table. */
    String table() {
      StringBuilder table = new StringBuilder();
      table.append("**").append(title).append("**\n\n");
      table.append("| case | best ms | avg ms | stdev ms | M rows/s | ns/row | vs baseline |\n");
      table.append("|---|--:|--:|--:|--:|--:|--:|\n");
      for (Result r : results) {
        String label =
            switch (r.role()) {
              case BASELINE -> r.name() + " (baseline)";
              case FLOOR -> r.name() + " (floor)";
              case CASE -> r.name();
            };
        table.append(
            String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.2f | %.1f | %.2f× |%n",
                label.replace("|", "\\|"),
                r.bestMs(),
                r.avgMs(),
                r.stdevMs(),
                r.rowsPerSecond() / 1e6,
                r.nsPerRow(),
                ratio(r.name())));
      }
      return table.toString();
    }
  }

  private final String title;
  private final long rows;
  private final int warmups;
  private final int iterations;
  private final List<Case> cases = new ArrayList<>();

  Benchmark(String title, long rows, int warmups, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1");
    }
    this.title = title;
    this.rows = rows;
    this.warmups = warmups;
    this.iterations = iterations;
  }

  Benchmark add(String name, Role role, Runnable body) {
    cases.add(new Case(name, role, body));
    return this;
  }

  Group run() {
    for (int round = 0; round < warmups; round++) {
      cases.forEach(c -> c.body().run());
    }
    double[][] millis = new double[cases.size()][iterations];
    for (int round = 0; round < iterations; round++) {
      for (int i = 0; i < cases.size(); i++) {
        long start = System.nanoTime();
        cases.get(i).body().run();
        millis[i][round] = (System.nanoTime() - start) / 1e6;
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      results.add(summarise(c.name(), c.role(), rows, millis[i]));
    }
    return new Group(title, results);
  }

  /** Best, mean and sample standard deviation of the iterations. */
  static Result summarise(String name, Role role, long rows, double[] millis) {
    double best = Double.POSITIVE_INFINITY;
    double sum = 0;
    for (double m : millis) {
      best = Math.min(best, m);
      sum += m;
    }
    double mean = sum / millis.length;
    double squares = 0;
    for (double m : millis) {
      squares += (m - mean) * (m - mean);
    }
    double stdev = millis.length > 1 ? Math.sqrt(squares / (millis.length - 1)) : 0;
    return new Result(name, role, rows, best, mean, stdev);
  }
}
