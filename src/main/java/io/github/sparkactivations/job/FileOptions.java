package io.github.sparkactivations.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The options of Spark's file readers and of the Parquet writer that --read-option and
 * --write-option pass on, checked against the keys each format knows: Spark ignores a key it does
 * not know, so a typo would go unnoticed. Keys match as Spark's do, in any case.
 */
final class FileOptions {

  /** What every file source takes. */
  private static final List<String> ANY_FILES =
      List.of(
          "pathGlobFilter",
          "recursiveFileLookup",
          "modifiedBefore",
          "modifiedAfter",
          "ignoreCorruptFiles",
          "ignoreMissingFiles");

  /** What a file source takes as a stream, besides (--max-per-trigger is maxFilesPerTrigger). */
  private static final List<String> STREAMED_FILES =
      List.of("latestFirst", "fileNameOnly", "maxFileAge", "cleanSource", "sourceArchiveDir");

  private static final List<String> TEXT =
      List.of(
          "mode",
          "columnNameOfCorruptRecord",
          "dateFormat",
          "timestampFormat",
          "timestampNTZFormat",
          "encoding",
          "lineSep",
          "multiLine",
          "locale",
          "samplingRatio",
          "timeZone");

  private static final Map<FileSource.Format, List<String>> READ =
      Map.of(
          FileSource.Format.PARQUET,
          List.of("mergeSchema", "datetimeRebaseMode", "int96RebaseMode"),
          FileSource.Format.ORC,
          List.of("mergeSchema"),
          FileSource.Format.JSON,
          concat(
              TEXT,
              List.of(
                  "primitivesAsString",
                  "prefersDecimal",
                  "allowComments",
                  "allowUnquotedFieldNames",
                  "allowSingleQuotes",
                  "allowNumericLeadingZeros",
                  "allowBackslashEscapingAnyCharacter",
                  "allowUnquotedControlChars",
                  "allowNonNumericNumbers",
                  "dropFieldIfAllNull")),
          FileSource.Format.CSV,
          concat(
              TEXT,
              List.of(
                  "sep",
                  "delimiter",
                  "quote",
                  "escape",
                  "charToEscapeQuoteEscaping",
                  "comment",
                  "header",
                  "inferSchema",
                  "preferDate",
                  "enforceSchema",
                  "ignoreLeadingWhiteSpace",
                  "ignoreTrailingWhiteSpace",
                  "nullValue",
                  "emptyValue",
                  "nanValue",
                  "positiveInf",
                  "negativeInf",
                  "maxColumns",
                  "maxCharsPerColumn",
                  "unescapedQuoteHandling")));

  /** The Parquet writer's (--compression and --partitions have options of their own). */
  private static final List<String> PARQUET_WRITE =
      List.of(
          "maxRecordsPerFile",
          "datetimeRebaseMode",
          "int96RebaseMode",
          "timeZone",
          "parquet.block.size",
          "parquet.page.size",
          "parquet.dictionary.page.size",
          "parquet.enable.dictionary",
          "parquet.bloom.filter.enabled",
          "parquet.bloom.filter.expected.ndv",
          "parquet.bloom.filter.max.bytes");

  private FileOptions() {}

  /** --read-option for files of {@code format}, read once or as a stream. */
  static Map<String, String> read(
      FileSource.Format format, boolean streamed, Map<String, String> given) {
    List<String> known = concat(ANY_FILES, READ.get(format));
    if (streamed) {
      known = concat(known, STREAMED_FILES);
    }
    return checked(
        "--read-option", format.name().toLowerCase(Locale.ROOT) + " files", known, given);
  }

  /** --write-option for the Parquet files of an --output folder. */
  static Map<String, String> write(Map<String, String> given) {
    return checked("--write-option", "the Parquet writer", PARQUET_WRITE, given);
  }

  /** The options under their known spelling, or one line naming the unknown key. */
  private static Map<String, String> checked(
      String option, String what, List<String> known, Map<String, String> given) {
    Map<String, String> options = new LinkedHashMap<>();
    given.forEach(
        (key, value) ->
            options.put(
                known.stream()
                    .filter(k -> k.equalsIgnoreCase(key))
                    .findFirst()
                    .orElseThrow(
                        () ->
                            new UsageException(
                                option
                                    + " "
                                    + key
                                    + " is not an option of "
                                    + what
                                    + "; known: "
                                    + String.join(", ", new TreeSet<>(known)))),
                value));
    return options;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }
}
