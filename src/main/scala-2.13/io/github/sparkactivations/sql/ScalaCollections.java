package io.github.sparkactivations.sql;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Java lists as Scala 2.13 collections. Spark's signatures name {@code Seq}, which is {@code
 * scala.collection.immutable.Seq} in 2.13 and {@code scala.collection.Seq} in 2.12: this class (one
 * copy per Scala version) is the only code that names it.
 */
public final class ScalaCollections {

  private ScalaCollections() {}

  public static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }

  public static <T> List<T> list(scala.collection.Seq<T> seq) {
    return CollectionConverters.asJava(seq);
  }

  /** A SQL function builder as Spark's function registry takes it. */
  static Function1<Seq<Expression>, Expression> functionBuilder(
      Function<List<Expression>, Expression> builder) {
    return arguments -> builder.apply(list(arguments));
  }
}
