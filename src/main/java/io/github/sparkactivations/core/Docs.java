package io.github.sparkactivations.core;

/**
 * Generated sections of Markdown documents, between {@code <!-- name:begin -->} and {@code <!--
 * name:end -->}.
 */
public final class Docs {

  private Docs() {}

  /** Replaces the text between the section's markers in {@code document} with {@code content}. */
  public static String embed(String document, String section, String content) {
    int[] bounds = bounds(document, section);
    return document.substring(0, bounds[0]) + "\n" + content + document.substring(bounds[1]);
  }

  /** The text between the section's markers in {@code document}. */
  public static String section(String document, String section) {
    int[] bounds = bounds(document, section);
    return document.substring(bounds[0], bounds[1]).strip();
  }

  /** Where the section's content starts (after the begin marker) and ends (at the end marker). */
  private static int[] bounds(String document, String section) {
    String begin = "<!-- " + section + ":begin (generated) -->";
    String end = "<!-- " + section + ":end -->";
    int from = document.indexOf(begin);
    int to = document.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("markers " + begin + " and " + end + " not found");
    }
    return new int[] {from + begin.length(), to};
  }
}
