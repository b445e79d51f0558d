package io.github.sparkactivations.core;

import io.github.sparkactivations.core.Reference.Exact;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The maximum error of every spec on the random points of {@code src/test/python/random_points.py}
 * (scripts/accuracy.sh runs both), as Markdown tables on standard output and in
 * target/accuracy-random.md: element-wise in ulps of the double or float result, arrays per element
 * (in ulps of 1 for sparsemax and entmax15, whose error is absolute).
 *
 * <pre>java -cp CLASSPATH io.github.sparkactivations.core.RandomAccuracyReport [DIR]</pre>
 */
public final class RandomAccuracyReport {

  private RandomAccuracyReport() {}

  /** The largest error over some points, where it was, and how many points. */
  private static final class Worst {
    long points;
    double error;
    String at = "";

    void add(double e, String where) {
      points++;
      if (!(e <= error)) { // NaN is the worst of all
        error = e;
        at = where;
      }
    }

    String cells() {
      return points == 0 ? "— | — | —" : String.format("%,d | %.3f | %s", points, error, at);
    }
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/random-points");
    List<String> elementwise = new ArrayList<>();
    List<String> arrays = new ArrayList<>();
    for (String spec : specs(dir, ".double.tsv.gz")) {
      Spec parsed = Spec.parse(spec);
      Worst doubles = new Worst();
      lines(
          dir.resolve(spec + ".double.tsv.gz"),
          f -> {
            double x = parse(f[0]);
            doubles.add(Exact.parse(f[1]).ulpError(parsed.apply(x)), f[0]);
          });
      Worst floats = new Worst();
      List<Float> xs = new ArrayList<>();
      List<Exact> exacts = new ArrayList<>();
      lines(
          dir.resolve(spec + ".float.tsv.gz"),
          f -> {
            float x = (float) parse(f[0]);
            floats.add(floatUlpError(Exact.parse(f[1]), parsed.apply(x)), f[0]);
            xs.add(x);
            exacts.add(Exact.parse(f[1]));
          });
      elementwise.add("| `" + spec + "` | " + doubles.cells() + " | " + floats.cells() + " |");
      if (parsed.hasFloatKernel()) {
        // The same points through the float array kernel, in rows of 100 (its vector loops).
        Worst rows = new Worst();
        for (int start = 0; start < xs.size(); start += 100) {
          int n = Math.min(100, xs.size() - start);
          float[] row = new float[n];
          for (int i = 0; i < n; i++) {
            row[i] = xs.get(start + i);
          }
          parsed.apply(row, 0, n, row, 0);
          for (int i = 0; i < n; i++) {
            rows.add(
                floatUlpError(exacts.get(start + i), row[i]), Float.toHexString(xs.get(start + i)));
          }
        }
        elementwise.add(
            "| `" + spec + "` on array<float> (float kernel) | — | — | — | " + rows.cells() + " |");
      }
    }
    for (String spec : specs(dir, ".array.tsv.gz")) {
      Spec parsed = Spec.parse(spec);
      boolean projection = Reference.isProjection(spec);
      Worst doubles = new Worst();
      lines(
          dir.resolve(spec + ".array.tsv.gz"),
          f -> {
            double[] x =
                Stream.of(f[0].split(" ")).mapToDouble(RandomAccuracyReport::parse).toArray();
            Exact[] exact = Stream.of(f[1].split(" ")).map(Exact::parse).toArray(Exact[]::new);
            double[] out = new double[x.length];
            if (parsed.activation().output() == Activation.Output.DOUBLE) {
              out = new double[] {parsed.reduce(x, 0, x.length)};
            } else {
              parsed.apply(x, 0, x.length, out, 0);
            }
            for (int i = 0; i < out.length; i++) {
              doubles.add(
                  Reference.elementError(projection, exact[i], out[i]),
                  "row of " + x.length + ", [" + i + "]");
            }
          });
      Worst floats = new Worst();
      if (parsed.activation().output() != Activation.Output.DOUBLE) {
        lines(
            dir.resolve(spec + ".float-array.tsv.gz"),
            f -> {
              String[] xs = f[0].split(" ");
              float[] x = new float[xs.length];
              for (int i = 0; i < x.length; i++) {
                x[i] = (float) parse(xs[i]);
              }
              Exact[] exact = Stream.of(f[1].split(" ")).map(Exact::parse).toArray(Exact[]::new);
              float[] out = new float[x.length];
              parsed.apply(x, 0, x.length, out, 0);
              for (int i = 0; i < out.length; i++) {
                double error =
                    projection
                        ? Math.abs(out[i] - exact[i].rounded()) / Math.ulp(1.0f)
                        : floatUlpError(exact[i], out[i]);
                floats.add(error, "row of " + x.length + ", [" + i + "]");
              }
            });
      }
      arrays.add("| `" + spec + "` | " + doubles.cells() + " | " + floats.cells() + " |");
    }
    String report =
        "| function (spec) | double points | max error, ulp | at x | float points | max error,"
            + " float ulp | at x |\n|---|--:|--:|---|--:|--:|---|\n"
            + String.join("\n", elementwise)
            + "\n\n| array function | double values | max error, ulp | where | float values | max"
            + " error, float ulp | where |\n|---|--:|--:|---|--:|--:|---|\n"
            + String.join("\n", arrays)
            + "\n";
    System.out.print(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "accuracy-random.md"), report);
  }

  /** The specs with a file of this suffix, sorted. */
  private static List<String> specs(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(suffix))
          .map(name -> name.substring(0, name.length() - suffix.length()))
          .sorted()
          .toList();
    }
  }

  private static void lines(Path file, Consumer<String[]> row) throws IOException {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        row.accept(line.split("\t"));
      }
    }
  }

  private static double parse(String hex) {
    return Double.parseDouble(hex);
  }

  /** |computed - exact| in ulps of the exact value rounded to float. */
  private static double floatUlpError(Exact exact, float computed) {
    float rounded = (float) exact.rounded();
    if (exact.value() == null || Float.isInfinite(rounded) || !Float.isFinite(computed)) {
      return Float.compare(computed, rounded) == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    BigDecimal error = new BigDecimal(computed).subtract(exact.value()).abs();
    return error.divide(new BigDecimal(Math.ulp(rounded)), MathContext.DECIMAL64).doubleValue();
  }
}
