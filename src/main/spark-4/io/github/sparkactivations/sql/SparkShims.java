package io.github.sparkactivations.sql;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.classic.ColumnNodeToExpressionConverter$;
import org.apache.spark.sql.classic.ExpressionUtils$;

/**
 * What differs between Spark lines, for Spark 4: a Column holds a {@code ColumnNode}, and the
 * session behind the {@code SparkSession} API is the classic one.
 */
final class SparkShims {

  private SparkShims() {}

  /**
   * The Catalyst expression of a column. Converted eagerly: {@code ExpressionUtils.expression}
   * would only wrap the node in an unevaluable placeholder that whole-stage codegen rejects.
   */
  static Expression expression(Column column) {
    return ColumnNodeToExpressionConverter$.MODULE$.apply(column.node());
  }

  static Column column(Expression expression) {
    return ExpressionUtils$.MODULE$.column(expression);
  }

  static FunctionRegistry functionRegistry(SparkSession spark) {
    return ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry();
  }
}
