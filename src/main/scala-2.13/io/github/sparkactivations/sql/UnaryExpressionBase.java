package io.github.sparkactivations.sql;

import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.IndexedSeq;

/**
 * An expression with one child: Spark's tree-rebuild hook, whose parameter is Scala 2.13's {@code
 * IndexedSeq} (one copy per Scala version). Spark's own {@code UnaryExpression} cannot be extended
 * from Java: javac does not see its final rebuild method as implementing the generic one.
 */
public abstract class UnaryExpressionBase extends Expression {

  private static final long serialVersionUID = 1L;

  /** This expression over another child. */
  protected abstract Expression withNewChild(Expression newChild);

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withNewChild(newChildren.head());
  }
}
