package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Activations;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Option;

/**
 * The Column API's two routes. In a classic session the column is the native expression itself, so
 * no registration is needed. A Spark Connect client cannot send an expression (and its JVM has no
 * Catalyst classes): there the column is a call of the function by name, which the server resolves
 * through the extension.
 */
public final class ActivationColumns {

  private static final boolean CATALYST = catalystPresent();

  private ActivationColumns() {}

  /**
   * {@code name(x, parameters...)} as a Column for the session in use.
   *
   * @throws io.github.sparkactivations.core.ActivationException for an unknown name or a bad
   *     parameter, at once on both routes
   */
  public static Column column(String name, Column x, List<?> parameters) {
    return CATALYST && !connectSessionActive()
        ? ActivationFunctions.column(name, x, parameters)
        : byName(name, x, parameters);
  }

  /** The function called by name, parameters as literals: what a Connect server can resolve. */
  static Column byName(String name, Column x, List<?> parameters) {
    Activations.get(name).bind(parameters);
    List<Column> arguments = new ArrayList<>(List.of(x));
    parameters.forEach(p -> arguments.add(functions.lit(p)));
    return functions.call_function(name, arguments.toArray(Column[]::new));
  }

  /** Spark 4 can run a Connect session in a JVM that has Catalyst (spark.api.mode=connect). */
  private static boolean connectSessionActive() {
    Option<SparkSession> active = SparkSession.getActiveSession();
    return active.isDefined()
        && active.get().getClass().getName().startsWith("org.apache.spark.sql.connect.");
  }

  private static boolean catalystPresent() {
    try {
      Class.forName(
          "org.apache.spark.sql.catalyst.expressions.Expression",
          false,
          ActivationColumns.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
