package io.github.sparkactivations.bench;

import io.github.sparkactivations.bench.Benchmark.Group;
import io.github.sparkactivations.core.Docs;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's table of quick-run ratios, one row per Spark line: a quick run with {@code --readme}
 * replaces its own line's row and keeps the others, so no line's regression goes unseen.
 */
final class LineRatios {

  static final String SECTION = "line-ratios";

  private static final String HEADER =
      "| line | Spark (Scala) | sigmoid(x) / built-in formula | Java UDF / sigmoid(x)"
          + " | SQL HOF / softmax, float[10] | Java UDF / softmax, float[10]"
          + " | SQL HOF / softmax, float[1000] | date |\n"
          + "|---|---|--:|--:|--:|--:|--:|---|\n";

  private LineRatios() {}

  /** This line's row: time ratios of the sigmoid noop group and speedups of the softmax groups. */
  static String row(
      String line, String spark, String date, List<Group> scalar, List<Group> arrays) {
    Group sigmoid = find(scalar, "sigmoid(x),", "noop sink");
    Group softmax10 = find(arrays, "softmax(array<float>[10]),", "");
    Group softmax1000 = find(arrays, "softmax(array<float>[1000]),", "");
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2f | %.2f | %.1f | %.2f | %.1f | %s |",
        line,
        spark,
        sigmoid.ratio("sigmoid(x)"),
        sigmoid.speedup("sigmoid(x)", SqlBenchmarks.UDF),
        softmax10.speedup("softmax(arr)", SqlBenchmarks.HIGHER_ORDER),
        softmax10.speedup("softmax(arr)", SqlBenchmarks.UDF + " over Seq"),
        softmax1000.speedup("softmax(arr)", SqlBenchmarks.HIGHER_ORDER),
        date);
  }

  /** {@code document} with {@code row} in the table, replacing the row of the same line. */
  static String merge(String document, String row) {
    Map<String, String> rows = new TreeMap<>((a, b) -> b.compareTo(a)); // newest line first
    for (String existing : Docs.section(document, SECTION).lines().toList()) {
      if (existing.startsWith("| ") && !existing.startsWith("| line ")) {
        rows.put(lineOf(existing), existing);
      }
    }
    rows.put(lineOf(row), row);
    return Docs.embed(document, SECTION, HEADER + String.join("\n", rows.values()) + "\n");
  }

  private static String lineOf(String row) {
    return row.split("\\|")[1].strip();
  }

  private static Group find(List<Group> groups, String prefix, String contains) {
    return groups.stream()
        .filter(g -> g.title().startsWith(prefix) && g.title().contains(contains))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no benchmark group " + prefix));
  }
}
