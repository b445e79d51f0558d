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
   * docs promise. (Its accuracy is checked against mpmath in the accuracy tests.)
   */
  @TestFactory
  Stream<DynamicTest> everyExampleGivesItsStatedResult() {
    return Activations.all().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.example().sql(a.name()),
                    () -> {
                      Example e = a.example();
                      Spec spec = a.bind(e.parameters());
                      assertEquals(e.result(), evaluate(spec, e.input()));
                    }));
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
