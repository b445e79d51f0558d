package io.github.sparkactivations.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The function reference as a Markdown table, generated from the catalogue. The README embeds it
 * (see {@link Docs}); a test keeps the two equal.
 *
 * <pre>
 *   FunctionReference                  prints the table
 *   FunctionReference --update FILE    rewrites the table inside FILE (between the markers)
 * </pre>
 */
public final class FunctionReference {

  private FunctionReference() {}

  public static String markdown() {
    StringBuilder table =
        new StringBuilder(
            "| function | shape | parameters (default; allowed) | definition | example |\n"
                + "|---|---|---|---|---|\n");
    for (Activation a : Activations.all()) {
      table
          .append("| `")
          .append(a.signature())
          .append('`')
          .append(a.aliases().stream().map(s -> " alias `" + s + "`").collect(Collectors.joining()))
          .append(" | ")
          .append(shape(a))
          .append(" | ")
          .append(
              a.parameters().isEmpty()
                  ? "—"
                  : a.parameters().stream()
                      .map(
                          p -> "`" + p.name() + "` = " + p.defaultText() + " (" + p.allowed() + ")")
                      .collect(Collectors.joining("; ")))
          .append(" | ")
          .append(escape(a.doc()))
          .append(" | `")
          .append(a.example().sql(a.name()))
          .append("` → `")
          .append(a.example().result())
          .append("` |\n");
    }
    return table.toString();
  }

  /** The document with its function table regenerated. */
  public static String embed(String document) {
    return Docs.embed(document, "function-reference", markdown());
  }

  private static String shape(Activation a) {
    if (a.kind() == Activation.Kind.ELEMENTWISE) {
      return "element-wise";
    }
    return switch (a.output()) {
      case SAME_AS_INPUT -> "array → array";
      case DOUBLE -> "array → DOUBLE";
      case INDEX -> "array → INT";
      case TOP_K -> "array → ARRAY<STRUCT<index: INT, value>>";
    };
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--update")) {
      Path file = Path.of(args[1]);
      Files.writeString(
          file, embed(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    } else if (args.length == 0) {
      System.out.print(markdown());
    } else {
      System.err.println("usage: FunctionReference [--update FILE]");
      System.exit(2);
    }
  }
}
