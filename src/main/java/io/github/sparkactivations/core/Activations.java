package io.github.sparkactivations.core;

import static io.github.sparkactivations.core.Activation.elementwise;
import static io.github.sparkactivations.core.Activation.normalising;
import static io.github.sparkactivations.core.Parameter.choice;
import static io.github.sparkactivations.core.Parameter.optionalReal;
import static io.github.sparkactivations.core.Parameter.real;
import static io.github.sparkactivations.core.Parameter.requiredInteger;
import static io.github.sparkactivations.core.Parameter.requiredReal;

import io.github.sparkactivations.core.Activation.Output;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalogue: every activation, once. SQL functions, the Column API, the ML transformer, the
 * batch driver and the docs all iterate this list; nothing else keeps names.
 */
public final class Activations {

  private Activations() {}

  private static final double[] LOGITS = {-2.0, 0.0, 0.5};

  private static final Parameter TEMPERATURE =
      real("temperature", 1.0, Range.POSITIVE, "divides the logits before normalising");

  private static final List<Activation> ALL =
      List.of(
          elementwise("identity", "identity")
              .doc("x unchanged.")
              .example(Example.scalar("1.5", 1.5))
              .build(),
          elementwise("sigmoid", "sigmoid")
              .doc("The logistic function 1 / (1 + e^-x).")
              .example(Example.scalar("0.7310585786300049", 1.0))
              .build(),
          elementwise("log_sigmoid", "logSigmoid")
              .doc("log(sigmoid(x)) = -softplus(-x), without overflow.")
              .example(Example.scalar("-1.3132616875182228", -1.0))
              .build(),
          elementwise("logit", "logit")
              .doc(
                  "log(p / (1 - p)), the inverse of sigmoid; 0 -> -inf, 1 -> +inf, outside [0, 1] -> NaN.")
              .example(Example.scalar("1.0986122886681098", 0.75))
              .build(),
          elementwise("relu", "relu")
              .doc("max(0, x).")
              .example(Example.scalar("0.0", -2.0))
              .build(),
          elementwise("relu6", "relu6")
              .doc("min(max(0, x), 6).")
              .example(Example.scalar("6.0", 7.5))
              .build(),
          elementwise("leaky_relu", "leakyRelu")
              .parameter(real("negative_slope", 0.01, Range.FINITE, "slope for x < 0"))
              .doc("x for x >= 0, negative_slope * x otherwise.")
              .example(Example.scalar("-0.02", -2.0))
              .build(),
          elementwise("elu", "elu")
              .parameter(real("alpha", 1.0, Range.FINITE, "scale of the negative part"))
              .doc("x for x > 0, alpha * (e^x - 1) otherwise.")
              .example(Example.scalar("-0.6321205588285577", -1.0))
              .build(),
          elementwise("selu", "selu")
              .doc(
                  "scale * elu(x, alpha) with alpha = 1.6732632423543772, scale = 1.0507009873554805.")
              .example(Example.scalar("-1.1113307378125628", -1.0))
              .build(),
          elementwise("celu", "celu")
              .parameter(real("alpha", 1.0, Range.NON_ZERO, "scale of the negative part"))
              .doc("max(0, x) + min(0, alpha * (e^(x/alpha) - 1)).")
              .example(Example.scalar("-0.7869386805747332", -1.0, 2.0))
              .build(),
          elementwise("gelu", "gelu")
              .parameter(
                  choice(
                      "approximate",
                      "none",
                      orderedMap("none", "gelu", "tanh", "geluTanh"),
                      "'none': exact x * Phi(x) through erfc; 'tanh': the tanh approximation"))
              .doc("Gaussian error linear unit x * Phi(x), Phi the standard normal CDF.")
              .example(Example.scalar("0.8413447460685429", 1.0))
              .build(),
          elementwise("silu", "silu")
              .alias("swish")
              .doc("x * sigmoid(x).")
              .example(Example.scalar("0.7310585786300049", 1.0))
              .build(),
          elementwise("mish", "mish")
              .doc("x * tanh(softplus(x)).")
              .example(Example.scalar("0.8650983882673103", 1.0))
              .build(),
          elementwise("softplus", "softplus")
              .parameter(real("beta", 1.0, Range.POSITIVE, "sharpness"))
              .parameter(
                  optionalReal(
                      "threshold",
                      Range.NOT_NAN,
                      "return x where beta * x > threshold (PyTorch parity); none = exact everywhere"))
              .doc("(1/beta) * log(1 + e^(beta * x)), without overflow.")
              .example(Example.scalar("1.3132616875182228", 1.0))
              .build(),
          elementwise("softsign", "softsign")
              .doc("x / (1 + |x|).")
              .example(Example.scalar("0.75", 3.0))
              .build(),
          elementwise("hard_sigmoid", "hardSigmoid")
              .doc("clip(x/6 + 1/2, 0, 1).")
              .example(Example.scalar("0.75", 1.5))
              .build(),
          elementwise("hard_swish", "hardSwish")
              .doc("x * hard_sigmoid(x).")
              .example(Example.scalar("1.125", 1.5))
              .build(),
          elementwise("hard_tanh", "hardTanh")
              .parameter(real("min_val", -1.0, Range.FINITE, "lower bound"))
              .parameter(real("max_val", 1.0, Range.FINITE, "upper bound"))
              .constraint(
                  "min_val must be less than max_val",
                  a -> (double) a.get("min_val") < (double) a.get("max_val"))
              .doc("clip(x, min_val, max_val).")
              .example(Example.scalar("-1.0", -3.0))
              .build(),
          elementwise("tanh_shrink", "tanhShrink")
              .doc("x - tanh(x), accurate near 0.")
              .example(Example.scalar("0.23840584404423512", 1.0))
              .build(),
          elementwise("soft_shrink", "softShrink")
              .parameter(real("lambda", 0.5, Range.NON_NEGATIVE, "half-width of the dead zone"))
              .doc("x - lambda for x > lambda, x + lambda for x < -lambda, 0 otherwise.")
              .example(Example.scalar("1.5", 2.0))
              .build(),
          elementwise("hard_shrink", "hardShrink")
              .parameter(real("lambda", 0.5, Range.NON_NEGATIVE, "half-width of the dead zone"))
              .doc("x for |x| > lambda, 0 otherwise.")
              .example(Example.scalar("0.0", 0.3))
              .build(),
          elementwise("threshold", "threshold")
              .parameter(requiredReal("threshold", Range.NOT_NAN, "values above it pass"))
              .parameter(requiredReal("value", Range.NOT_NAN, "replacement for the others"))
              .doc("x for x > threshold, value otherwise.")
              .example(Example.scalar("-1.0", 0.5, 1.0, -1.0))
              .build(),
          normalising("softmax", "softmax", Output.SAME_AS_INPUT)
              .parameter(TEMPERATURE)
              .doc("e^(x_i/T) / sum_j e^(x_j/T): probabilities summing to 1.")
              .example(
                  Example.array(
                      "[0.04861082403130226, 0.3591881057825386, 0.5922010701861591]", LOGITS))
              .build(),
          normalising("log_softmax", "logSoftmax", Output.SAME_AS_INPUT)
              .parameter(TEMPERATURE)
              .doc("x_i/T - logsumexp(x/T): log-probabilities, exact for the dominant class.")
              .example(
                  Example.array(
                      "[-3.0239090561799076, -1.0239090561799076, -0.5239090561799077]", LOGITS))
              .build(),
          normalising("softmin", "softmin", Output.SAME_AS_INPUT)
              .parameter(TEMPERATURE)
              .doc("softmax(-x, T): the smallest logit gets the largest probability.")
              .example(
                  Example.array(
                      "[0.8214090194651259, 0.11116562230242112, 0.06742535823245292]", LOGITS))
              .build(),
          normalising("sparsemax", "sparsemax", Output.SAME_AS_INPUT)
              .doc(
                  "Euclidean projection onto the simplex: sparse probabilities (Martins and Astudillo, 2016).")
              .example(Example.array("[0.0, 0.25, 0.75]", LOGITS))
              .build(),
          normalising("entmax15", "entmax15", Output.SAME_AS_INPUT)
              .doc(
                  "1.5-entmax, between softmax and sparsemax (Peters et al., 2019), exact sort-based.")
              .example(Example.array("[0.0, 0.3260073636615619, 0.6739926363384383]", LOGITS))
              .build(),
          normalising("logsumexp", "logsumexp", Output.DOUBLE)
              .parameter(TEMPERATURE)
              .doc("T * log(sum_j e^(x_j/T)) as DOUBLE; -inf for an empty array.")
              .example(Example.array("1.0239090561799076", LOGITS))
              .build(),
          normalising("argmax", "argmax", Output.INDEX)
              .doc("0-based index of the first maximum as INT; null for an empty array or a NaN.")
              .example(Example.array("2", LOGITS))
              .build(),
          normalising("top_k", "topK", Output.TOP_K)
              .parameter(requiredInteger("k", Range.AT_LEAST_ONE, "how many entries to keep"))
              .doc(
                  "The k largest entries as array<struct<index, value>>, value descending, ties by index.")
              .example(Example.array("[{2, 0.5}, {1, 0.0}]", LOGITS, 2))
              .build());

  private static final Map<String, Activation> BY_NAME = index(ALL);

  /** Every activation, in catalogue order. */
  public static List<Activation> all() {
    return ALL;
  }

  /** Looks up a name or alias, case-insensitively. */
  public static Optional<Activation> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /**
   * Looks up a name or alias, case-insensitively.
   *
   * @throws ActivationException listing the valid names (and the closest one) if there is none
   */
  public static Activation get(String name) {
    return find(name)
        .orElseThrow(
            () -> {
              String closest =
                  BY_NAME.keySet().stream()
                      .min(
                          Comparator.comparingInt(
                              n -> editDistance(n, name.trim().toLowerCase(Locale.ROOT))))
                      .filter(n -> editDistance(n, name.trim().toLowerCase(Locale.ROOT)) <= 2)
                      .map(n -> " (did you mean " + n + "?)")
                      .orElse("");
              return new ActivationException(
                  "unknown activation '"
                      + name.trim()
                      + "'"
                      + closest
                      + "; valid functions: "
                      + String.join(", ", BY_NAME.keySet()));
            });
  }

  private static Map<String, Activation> index(List<Activation> activations) {
    Map<String, Activation> byName = new LinkedHashMap<>();
    for (Activation a : activations) {
      for (String name : concat(a.name(), a.aliases())) {
        if (byName.put(name, a) != null) {
          throw new IllegalStateException("duplicate activation name " + name);
        }
      }
    }
    return byName.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  private static List<String> concat(String first, List<String> rest) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream())
        .toList();
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Levenshtein distance, for "did you mean" suggestions. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
