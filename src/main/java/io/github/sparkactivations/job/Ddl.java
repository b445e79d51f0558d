package io.github.sparkactivations.job;

import org.apache.spark.sql.types.StructType;

/** Schemas given on the command line as DDL. */
final class Ddl {

  private Ddl() {}

  static StructType parse(String option, String text) {
    try {
      return StructType.fromDDL(text);
    } catch (Exception e) {
      throw new UsageException(
          option
              + " does not parse: "
              + RunCommand.firstLine(e)
              + " (e.g. 'id BIGINT, logits ARRAY<FLOAT>')");
    }
  }
}
