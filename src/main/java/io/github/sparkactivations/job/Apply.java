package io.github.sparkactivations.job;

import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Spec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --apply '[out=]function(column[, name=value ...])'}: which column to read, which to
 * write (the same one when {@code out=} is left out) and the activation.
 */
record Apply(String text, String output, String column, Spec spec) {

  private static final Pattern APPLY =
      Pattern.compile(
          "\\s*(?:([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*)?([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)\\s*",
          Pattern.DOTALL);

  static Apply parse(String text) {
    Matcher m = APPLY.matcher(text);
    if (!m.matches()) {
      throw malformed(text, "expected [out=]function(column[, name=value ...])");
    }
    String[] arguments = m.group(3).split(",", -1);
    String column = unquote(arguments[0].trim());
    if (column.isEmpty() || column.contains("=")) {
      throw malformed(text, "the first argument must be the input column");
    }
    Map<String, String> named = new LinkedHashMap<>();
    for (int i = 1; i < arguments.length; i++) {
      String[] pair = arguments[i].split("=", 2);
      if (pair.length != 2 || pair[0].isBlank()) {
        throw malformed(
            text, "parameters after the column are name=value, got '" + arguments[i].trim() + "'");
      }
      if (named.put(
              pair[0].trim().toLowerCase(java.util.Locale.ROOT),
              pair[1].trim().replaceAll("^['\"]|['\"]$", ""))
          != null) {
        throw malformed(text, "parameter '" + pair[0].trim() + "' is given twice");
      }
    }
    Spec spec;
    try {
      spec = Activations.get(m.group(2)).bindNamed(named);
    } catch (ActivationException e) {
      throw new UsageException("--apply '" + text.trim() + "': " + e.getMessage());
    }
    String output = m.group(1) == null ? column : m.group(1);
    return new Apply(text.trim(), output, column, spec);
  }

  private static String unquote(String column) {
    return column.length() >= 2 && column.startsWith("`") && column.endsWith("`")
        ? column.substring(1, column.length() - 1)
        : column;
  }

  private static UsageException malformed(String text, String why) {
    return new UsageException(
        "malformed --apply '"
            + text.trim()
            + "': "
            + why
            + ", e.g. --apply 'probs=softmax(logits, temperature=2)'");
  }

  /** How the summary names it: {@code probs = softmax(temperature=2.0)(logits)}. */
  String describe() {
    return output + " = " + spec + " of " + column;
  }
}
