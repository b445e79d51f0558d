package io.github.sparkactivations.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * High-precision reference values from {@code src/test/python/reference_values.py} (mpmath,
 * 256-bit), and the ulp distance between a double and such an exact value.
 */
final class Reference {

  private Reference() {}

  /** An exact value: a finite decimal, or a special double (NaN, ±inf). */
  record Exact(BigDecimal value, double special) {

    static Exact parse(String text) {
      return switch (text) {
        case "nan" -> new Exact(null, Double.NaN);
        case "inf" -> new Exact(null, Double.POSITIVE_INFINITY);
        case "-inf" -> new Exact(null, Double.NEGATIVE_INFINITY);
        default -> new Exact(new BigDecimal(text), 0);
      };
    }

    /** The exact value rounded to the nearest double. */
    double rounded() {
      return value == null ? special : value.doubleValue();
    }

    /**
     * |computed - exact| in units of the last place of the exact value's double; 0 for matching
     * specials, +inf for a mismatch in kind (NaN or infinity where a number was due).
     */
    double ulpError(double computed) {
      if (value == null || Double.isInfinite(rounded())) {
        return Double.compare(computed, rounded()) == 0 ? 0 : Double.POSITIVE_INFINITY;
      }
      if (!Double.isFinite(computed)) {
        return Double.POSITIVE_INFINITY;
      }
      BigDecimal error = new BigDecimal(computed).subtract(value).abs();
      return error.divide(new BigDecimal(Math.ulp(rounded())), MathContext.DECIMAL64).doubleValue();
    }

    @Override
    public String toString() {
      return value == null ? Double.toString(special) : value.toString();
    }
  }

  /** One point of an element-wise function. */
  record Point(String spec, double x, Exact expected) {}

  /** One array case: inputs and the exact outputs. */
  record ArrayCase(String name, String spec, double[] x, Exact[] expected) {}

  static List<Point> elementwise() {
    List<Point> points = new ArrayList<>();
    for (String[] f : rows("elementwise.tsv.gz")) {
      points.add(new Point(f[0], parseDouble(f[1]), Exact.parse(f[2])));
    }
    return points;
  }

  static List<ArrayCase> arrays() {
    List<ArrayCase> cases = new ArrayList<>();
    for (String[] f : rows("arrays.tsv.gz")) {
      String[] xs = f[2].split(" ");
      String[] ys = f[3].split(" ");
      double[] x = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        x[i] = parseDouble(xs[i]);
      }
      Exact[] expected = new Exact[ys.length];
      for (int i = 0; i < ys.length; i++) {
        expected[i] = Exact.parse(ys[i]);
      }
      cases.add(new ArrayCase(f[0], f[1], x, expected));
    }
    return cases;
  }

  private static double parseDouble(String text) {
    return switch (text) {
      case "nan" -> Double.NaN;
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static List<String[]> rows(String resource) {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = Reference.class.getResourceAsStream("/reference/" + resource);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.startsWith("#")) {
          rows.add(line.split("\t"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
