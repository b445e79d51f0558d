package io.github.sparkactivations.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Installs every activation as a SQL function in sessions created with {@code
 * spark.sql.extensions=io.github.sparkactivations.sql.ActivationExtensions}. On a Spark line the
 * jar is not built for, session creation fails with a line naming the jar to use.
 */
public final class ActivationExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements SparkSessionExtensionsProvider {

  private static final long serialVersionUID = 1L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SparkLine.requireMatch();
    ActivationFunctions.inject(extensions);
    return BoxedUnit.UNIT;
  }
}
