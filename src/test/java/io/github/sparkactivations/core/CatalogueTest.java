package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CatalogueTest {

  /** DESIGN.md's two tables: the catalogue holds exactly these, plus the swish alias. */
  private static final Set<String> DESIGNED =
      Set.of(
          "identity",
          "sigmoid",
          "log_sigmoid",
          "logit",
          "relu",
          "relu6",
          "leaky_relu",
          "elu",
          "selu",
          "celu",
          "gelu",
          "silu",
          "mish",
          "softplus",
          "softsign",
          "hard_sigmoid",
          "hard_swish",
          "hard_tanh",
          "tanh_shrink",
          "soft_shrink",
          "hard_shrink",
          "threshold",
          "softmax",
          "log_softmax",
          "softmin",
          "sparsemax",
          "entmax15",
          "logsumexp",
          "argmax",
          "top_k");

  @Test
  void theCatalogueHoldsTheDesignedFunctions() {
    assertEquals(
        DESIGNED, Activations.all().stream().map(Activation::name).collect(Collectors.toSet()));
    assertSame(Activations.get("silu"), Activations.get("swish"));
    assertSame(Activations.get("softmax"), Activations.get("  SoftMax "));
  }

  @Test
  void namesAreSnakeCaseAndParametersDocumented() {
    assertAll(
        Activations.all().stream()
            .flatMap(
                a ->
                    Stream.concat(
                        Stream.of(
                            () -> assertTrue(a.name().matches("[a-z][a-z0-9_]*"), a.name()),
                            () -> assertFalse(a.doc().isBlank(), a.name())),
                        a.parameters().stream()
                            .map(
                                p ->
                                    () -> {
                                      assertTrue(p.name().matches("[a-z][a-z_]*"), p.name());
                                      assertFalse(p.doc().isBlank(), a.name() + "." + p.name());
                                    }))));
  }

  /**
   * Every example in the docs, evaluated: the stated result is the kernel's real output, as the
   * docs promise (and as Spark's own DESCRIBE examples are).
   */
  @TestFactory
  Stream<DynamicTest> everyExampleGivesItsStatedResult() {
    return forEveryExample(
        (a, e) -> assertEquals(e.result(), evaluate(a.bind(e.parameters()), e.input())));
  }

  /**
   * Every example's stated result against an independent value: the mpmath tables within the
   * function's error budget, or the definition itself for argmax and top_k.
   */
  @TestFactory
  Stream<DynamicTest> everyExampleIsAccurate() {
    List<Reference.Point> points = Reference.elementwise();
    List<Reference.ArrayCase> cases = Reference.arrays();
    return forEveryExample(
        (a, e) -> {
          String spec = a.bind(e.parameters()).toString();
          double[] x = e.input();
          switch (a.output()) {
            case INDEX -> assertEquals(firstMaximum(x), Integer.parseInt(e.result()));
            case TOP_K -> assertEquals(topK(x, (Integer) e.parameters().get(0)), e.result());
            default -> {
              double[] stated = parseNumbers(e.result());
              if (a.kind() == Activation.Kind.ELEMENTWISE) {
                Reference.Point point =
                    points.stream()
                        .filter(p -> p.spec().equals(spec) && p.x() == x[0])
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no reference: " + spec));
                double error = point.expected().ulpError(stated[0]);
                assertTrue(
                    error < Reference.ULP_BUDGET,
                    stated[0] + " vs exact " + point.expected() + ": " + error + " ulp");
              } else {
                Reference.ArrayCase c =
                    cases.stream()
                        .filter(r -> r.spec().equals(spec) && Arrays.equals(r.x(), x))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no reference: " + spec));
                Reference.assertArrayResult(spec, c, stated);
              }
            }
          }
        });
  }

  private static Stream<DynamicTest> forEveryExample(BiConsumer<Activation, Example> check) {
    return Activations.all().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.example().sql(a.name()), () -> check.accept(a, a.example())));
  }

  private static double[] parseNumbers(String text) {
    return Arrays.stream(text.replaceAll("[\\[\\]]", "").split(", "))
        .mapToDouble(Double::parseDouble)
        .toArray();
  }

  private static int firstMaximum(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      best = x[i] > x[best] ? i : best;
    }
    return best;
  }

  /** The k largest by the definition: a stable sort of the indices, value descending. */
  private static String topK(double[] x, int k) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(x[b], x[a]));
    return order.subList(0, Math.min(k, x.length)).stream()
        .map(i -> "{" + i + ", " + x[i] + "}")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Renders a result as Spark shows it, so the stated text can be compared as text. */
  private static String evaluate(Spec spec, double[] x) {
    int n = x.length;
    switch (spec.activation().output()) {
      case DOUBLE:
        return Double.toString(spec.reduce(x, 0, n));
      case INDEX:
        return Integer.toString(spec.index(x, 0, n));
      case TOP_K:
        int[] indices = new int[n];
        int count = spec.topK(x, 0, n, indices);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          pairs.add("{" + indices[i] + ", " + x[indices[i]] + "}");
        }
        return pairs.toString();
      default:
        if (spec.activation().kind() == Activation.Kind.ELEMENTWISE && n == 1) {
          return Double.toString(spec.apply(x[0]));
        }
        double[] out = new double[n];
        spec.apply(x, 0, n, out, 0);
        return Arrays.toString(out);
    }
  }

  @Test
  void theReadmeTableIsTheGeneratedOne() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertEquals(
        FunctionReference.embed(readme),
        readme,
        "README.md's function table is out of date; regenerate it with: java -cp target/classes"
            + " io.github.sparkactivations.core.FunctionReference --update README.md");
  }
}
