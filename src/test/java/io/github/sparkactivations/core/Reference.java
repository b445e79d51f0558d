package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * High-precision reference values from {@code src/test/python/reference_values.py} (mpmath,
 * 256-bit), and the ulp distance between a double and such an exact value.
 */
public final class Reference {

  private Reference() {}

  /**
   * Every element-wise function's error budget: strictly below one ulp (faithful rounding).
   * target/accuracy.md after a run has the measured maxima.
   */
  public static final double ULP_BUDGET = 1.0;

  /** |hi + lo - exact| / |exact| of a double-double kernel's result. */
  static double relativeError(DoubleDouble value, BigDecimal exact) {
    return new BigDecimal(value.hi())
        .add(new BigDecimal(value.lo()))
        .subtract(exact)
        .divide(exact, MathContext.DECIMAL64)
        .abs()
        .doubleValue();
  }

  /** The distance of a double-double kernel's high part from exact, in its ulps. */
  static double ulpsOfHi(DoubleDouble value, BigDecimal exact) {
    return new BigDecimal(value.hi()).subtract(exact).abs().doubleValue() / Math.ulp(value.hi());
  }

  /**
   * sparsemax and entmax15 subtract a threshold from each logit, which cancels for the smallest
   * kept probabilities: their error is bounded in absolute terms, in ulps of 1.
   */
  private static final double PROJECTION_ABSOLUTE_BUDGET = 8 * Math.ulp(1.0);

  /**
   * Asserts an array function's result (one value for logsumexp) against the case's exact values
   * (the softmax family and logsumexp within {@link #ULP_BUDGET}); returns the worst error, in ulps
   * (of 1 for the projections).
   */
  public static double assertArrayResult(String spec, ArrayCase c, double[] out) {
    boolean projection = isProjection(spec);
    assertEquals(c.expected().length, out.length, spec + " on " + c.name() + ": length");
    double worst = 0;
    for (int i = 0; i < out.length; i++) {
      String where =
          spec + " on " + c.name() + "[" + i + "] = " + out[i] + ", exact " + c.expected()[i];
      double error = elementError(projection, c.expected()[i], out[i]);
      if (projection) {
        double exact = c.expected()[i].rounded();
        assertTrue(Math.abs(out[i] - exact) <= PROJECTION_ABSOLUTE_BUDGET, where);
        if (exact == 0) {
          assertEquals(0.0, out[i], where + ": must be exactly 0");
        }
      } else {
        assertTrue(error < ULP_BUDGET, where + ": " + error + " ulp");
      }
      worst = Math.max(worst, error);
    }
    return worst;
  }

  /** sparsemax and entmax15, whose error is measured in ulps of 1 (absolute). */
  static boolean isProjection(String spec) {
    return spec.startsWith("sparsemax") || spec.startsWith("entmax15");
  }

  /** An array result's error: in ulps of 1 for the projections, else in ulps of the exact value. */
  static double elementError(boolean projection, Exact exact, double out) {
    return projection ? Math.abs(out - exact.rounded()) / Math.ulp(1.0) : exact.ulpError(out);
  }

  /**
   * An exact value: a finite decimal (0 is +0), or a special double (NaN, ±inf, and -0: a negative
   * zero or a negative value too small for any double).
   */
  public record Exact(BigDecimal value, double special) {

    static Exact parse(String text) {
      return switch (text) {
        case "nan" -> new Exact(null, Double.NaN);
        case "inf" -> new Exact(null, Double.POSITIVE_INFINITY);
        case "-inf" -> new Exact(null, Double.NEGATIVE_INFINITY);
        case "-0" -> new Exact(null, -0.0);
        default -> new Exact(new BigDecimal(text), 0);
      };
    }

    /** The exact value rounded to the nearest double. */
    public double rounded() {
      return value == null ? special : value.doubleValue();
    }

    /**
     * |computed - exact| in units of the last place of the exact value's double; 0 for matching
     * specials, +inf for a mismatch in kind (NaN or infinity where a number was due) or a zero of
     * the wrong sign.
     */
    public double ulpError(double computed) {
      boolean zeros = computed == 0 && rounded() == 0;
      if (value == null || Double.isInfinite(rounded()) || zeros) {
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
  public record Point(String spec, double x, Exact expected) {}

  /** One array case: inputs and the exact outputs. */
  public record ArrayCase(String name, String spec, double[] x, Exact[] expected) {}

  public static List<Point> elementwise() {
    List<Point> points = new ArrayList<>();
    for (String[] f : rows("elementwise.tsv.gz")) {
      points.add(new Point(f[0], parseDouble(f[1]), Exact.parse(f[2])));
    }
    return points;
  }

  public static List<ArrayCase> arrays() {
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

  /** erfcx(z) = e^(z^2) erfc(z) at points of [0, 32), exact (in the order of the file). */
  static Map<Double, BigDecimal> erfcx() {
    Map<Double, BigDecimal> values = new LinkedHashMap<>();
    for (String[] f : rows("erfcx.tsv.gz")) {
      values.put(parseDouble(f[0]), new BigDecimal(f[1]));
    }
    return values;
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
