package io.github.sparkactivations.sql;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;

/** What differs between Spark lines, for Spark 3.5: a Column wraps its Catalyst expression. */
final class SparkShims {

  private SparkShims() {}

  static Expression expression(Column column) {
    return column.expr();
  }

  static Column column(Expression expression) {
    return new Column(expression);
  }

  static FunctionRegistry functionRegistry(SparkSession spark) {
    return spark.sessionState().functionRegistry();
  }
}
