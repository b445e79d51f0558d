package io.github.sparkactivations.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecTest {

  private static String error(String spec) {
    return assertThrows(ActivationException.class, () -> Spec.parse(spec)).getMessage();
  }

  @Test
  void parsesNamesAndParametersCaseInsensitively() {
    Spec spec = Spec.parse(" SoftMax( Temperature = 2.0 ) ");
    assertEquals("softmax", spec.activation().name());
    assertEquals(Map.of("temperature", 2.0), spec.arguments());
    assertEquals(List.of(2.0), spec.kernelArguments());
    assertEquals("softmax(temperature=2.0)", spec.toString());
  }

  @Test
  void fillsDefaultsAndPrintsOnlyWhatDiffers() {
    Spec spec = Spec.parse("softplus(threshold=20)");
    assertEquals(List.of(1.0, 20.0), spec.kernelArguments());
    assertEquals("softplus(threshold=20.0)", spec.toString());
    assertEquals("softplus", Spec.parse("softplus()").toString());
    assertEquals(
        List.of(1.0, Double.POSITIVE_INFINITY),
        Spec.parse("softplus(threshold=none)").kernelArguments());
    assertEquals(Spec.parse("softplus"), Spec.parse("SOFTPLUS(beta=1)"));
  }

  @Test
  void aChoiceSelectsTheKernel() {
    assertEquals("gelu", Spec.parse("gelu").kernelMethod());
    assertEquals("geluTanh", Spec.parse("gelu(approximate=tanh)").kernelMethod());
    assertEquals("geluTanh", Spec.parse("gelu(approximate='TANH')").kernelMethod());
    assertEquals(List.of(), Spec.parse("gelu(approximate=tanh)").kernelArguments());
    assertEquals("gelu(approximate=tanh)", Spec.parse("gelu(approximate=tanh)").toString());
  }

  @Test
  void aliasesResolveToTheirFunction() {
    assertEquals("silu", Spec.parse("swish").activation().name());
  }

  @Test
  void positionalBindingAsSqlPassesIt() {
    Activation topK = Activations.get("top_k");
    assertEquals(List.of(3), topK.bind(List.of(3)).kernelArguments());
    assertEquals(List.of(3), topK.bind(List.of(3L)).kernelArguments());
    assertEquals(
        "top_k: k must be an integer >= 1, got 0",
        assertThrows(ActivationException.class, () -> topK.bind(List.of(0))).getMessage());
    assertEquals(
        "top_k: k must be an integer >= 1, got 2.5",
        assertThrows(ActivationException.class, () -> topK.bind(List.of(2.5))).getMessage());
    assertEquals(
        "leaky_relu takes at most 1 parameter(s) after x, got 2; usage: leaky_relu(x[, negative_slope])",
        assertThrows(
                ActivationException.class,
                () -> Activations.get("leaky_relu").bind(List.of(0.1, 0.2)))
            .getMessage());
    assertEquals(
        "gelu: approximate must be one of none, tanh, got 1.0",
        assertThrows(ActivationException.class, () -> Activations.get("gelu").bind(List.of(1.0)))
            .getMessage());
  }

  @Test
  void errorsNameTheProblemAndWhatIsValid() {
    assertEquals(
        "unknown activation 'sofmax' (did you mean softmax?); valid functions: argmax, celu, elu,"
            + " entmax15, gelu, hard_shrink, hard_sigmoid, hard_swish, hard_tanh, identity,"
            + " leaky_relu, log_sigmoid, log_softmax, logit, logsumexp, mish, relu, relu6, selu,"
            + " sigmoid, silu, soft_shrink, softmax, softmin, softplus, softsign, sparsemax, swish,"
            + " tanh_shrink, threshold, top_k",
        error("sofmax"));
    assertEquals(
        "softmax: unknown parameter 'temp'; valid parameters: temperature",
        error("softmax(temp=2)"));
    assertEquals("relu: unknown parameter 'alpha'; it takes no parameters", error("relu(alpha=1)"));
    assertEquals(
        "softmax: temperature must be finite and > 0, got -1.0", error("softmax(temperature=-1)"));
    assertEquals(
        "softmax: temperature must be finite and > 0, got 0.0", error("softmax(temperature=0)"));
    assertEquals(
        "softmax: temperature must be finite and > 0, got NaN", error("softmax(temperature=NaN)"));
    assertEquals(
        "softmax: temperature must be finite and > 0, got Infinity",
        error("softmax(temperature=inf)"));
    assertEquals(
        "softmax: temperature must be finite and > 0, got 'hot'",
        error("softmax(temperature=hot)"));
    assertEquals(
        "gelu: approximate must be one of none, tanh, got 'fast'", error("gelu(approximate=fast)"));
    assertEquals("celu: alpha must be finite and != 0, got 0.0", error("celu(alpha=0)"));
    assertEquals(
        "soft_shrink: lambda must be finite and >= 0, got -0.5", error("soft_shrink(lambda=-0.5)"));
    assertEquals(
        "hard_tanh: min_val must be less than max_val, got min_val=2.0, max_val=1.0",
        error("hard_tanh(min_val=2, max_val=1)"));
    assertEquals(
        "threshold: parameter 'value' is required; usage: threshold(x, threshold, value)",
        error("threshold(threshold=0.5)"));
    assertEquals("top_k: parameter 'k' is required; usage: top_k(x, k)", error("top_k"));
    assertEquals(
        "softmax: parameter 'temperature' is given twice",
        error("softmax(temperature=1, TEMPERATURE=2)"));
    assertEquals(
        "softmax: expected name=value, got '2.0'; usage: softmax(x[, temperature])",
        error("softmax(2.0)"));
    assertEquals(
        "leaky_relu: negative_slope must be finite, got 'none'",
        error("leaky_relu(negative_slope=none)"));
    assertEquals(
        "malformed activation spec 'softmax(temperature=2': expected function or"
            + " function(name=value, ...), e.g. softmax(temperature=2.0)",
        error("softmax(temperature=2"));
  }
}
