package io.github.sparkactivations.core;

/**
 * Generated sections of Markdown documents, between {@code <!-- name:begin -->} and {@code <!--
 * name:end -->}.
 */
public final class Docs {

  private Docs() {}

  /** Replaces the text between the section's markers in {@code document} with {@code content}. */
  public static String embed(String document, String section, String content) {
    String begin = "<!-- " + section + ":begin (generated) -->";
    String end = "<!-- " + section + ":end -->";
    int from = document.indexOf(begin);
    int to = document.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("markers " + begin + " and " + end + " not found");
    }
    return document.substring(0, from + begin.length()) + "\n" + content + document.substring(to);
  }
}
