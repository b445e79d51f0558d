package io.github.sparkactivations.sql;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.IndexedSeq;
import scala.collection.Seq;

/**
 * The tree plumbing of an expression with one child, which names Scala 2.12's collections (one copy
 * per Scala version). Spark's own {@code UnaryExpression} cannot be extended from Java: its final
 * rebuild method is seen by javac as not implementing the generic one.
 */
public abstract class UnaryExpressionBase extends Expression {

  private static final long serialVersionUID = 1L;

  private transient Seq<Expression> children;

  public abstract Expression child();

  /** This expression over another child. */
  protected abstract Expression withNewChild(Expression newChild);

  @Override
  public final Seq<Expression> children() {
    if (children == null) {
      children = ScalaCollections.seq(List.of(child()));
    }
    return children;
  }

  @Override
  public final Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return withNewChild(newChildren.head());
  }
}
