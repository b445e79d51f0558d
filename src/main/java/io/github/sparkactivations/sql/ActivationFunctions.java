package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Example;
import io.github.sparkactivations.core.Parameter;
import io.github.sparkactivations.core.Spec;
import io.github.sparkactivations.core.Version;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.QueryContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;
import scala.Tuple3;

/**
 * The catalogue as Spark SQL functions: one {@link ActivationExpression} builder and one {@link
 * ExpressionInfo} per name and alias.
 *
 * <pre>
 *   ActivationFunctions.register(spark);   // an existing session
 *   --conf spark.sql.extensions=io.github.sparkactivations.sql.ActivationExtensions   // new ones
 * </pre>
 */
public final class ActivationFunctions {

  private ActivationFunctions() {}

  /**
   * Registers every activation in the session's function registry, as the extension does for new
   * sessions. Idempotent: a session that has them all (through the extension or an earlier call) is
   * left as it is.
   *
   * @throws IllegalStateException if this jar is built for another Spark line, naming the right one
   */
  public static void register(SparkSession spark) {
    SparkLine.requireMatch();
    FunctionRegistry registry = SparkShims.functionRegistry(spark);
    if (!installed(registry)) {
      SparkSessionExtensions extensions = new SparkSessionExtensions();
      inject(extensions);
      // Spark's own route for injected functions: the same identifiers as the extension on every
      // line (Spark 4.2 qualifies them as built-ins, earlier lines keep them unqualified).
      extensions.registerFunctions(registry);
    }
  }

  /** Whether every name and alias is registered with this project's expression. */
  private static boolean installed(FunctionRegistry registry) {
    Set<String> missing = new HashSet<>(names().keySet());
    for (FunctionIdentifier id : ScalaCollections.list(registry.listFunction())) {
      Option<ExpressionInfo> info = registry.lookupFunction(id);
      if (info.isDefined()
          && ActivationExpression.class.getName().equals(info.get().getClassName())) {
        missing.remove(id.funcName());
      }
    }
    return missing.isEmpty();
  }

  /** Adds (name, docs, builder) for every name and alias to the extensions. */
  static void inject(SparkSessionExtensions extensions) {
    names()
        .forEach(
            (name, activation) ->
                extensions.injectFunction(
                    new Tuple3<>(
                        new FunctionIdentifier(name, Option.empty(), Option.empty()),
                        info(activation, name),
                        ScalaCollections.functionBuilder(arguments -> build(name, arguments)))));
  }

  /** Every SQL name, aliases included, with its activation. */
  private static Map<String, Activation> names() {
    Map<String, Activation> names = new LinkedHashMap<>();
    for (Activation a : Activations.all()) {
      names.put(a.name(), a);
      a.aliases().forEach(alias -> names.put(alias, a));
    }
    return names;
  }

  /**
   * The SQL call {@code name(x, parameters...)}: parameters must be constants and valid, x of a
   * supported type; anything else is an {@link AnalysisException} naming what is allowed.
   */
  static Expression build(String name, List<Expression> arguments) {
    Activation activation = Activations.get(name);
    if (arguments.isEmpty()) {
      throw analysisError(name + ": x is missing; usage: " + activation.signature());
    }
    List<Object> values = new ArrayList<>();
    List<Parameter> parameters = activation.parameters();
    for (int i = 1; i < arguments.size(); i++) {
      Expression argument = arguments.get(i);
      String parameter =
          i - 1 < parameters.size() ? parameters.get(i - 1).name() : "parameter " + i;
      if (!argument.foldable()) {
        throw analysisError(
            name
                + ": "
                + parameter
                + " must be a constant, got "
                + argument.sql()
                + "; usage: "
                + activation.signature());
      }
      Object value = argument.eval(null);
      if (value == null) {
        throw analysisError(
            name + ": " + parameter + " must not be NULL; usage: " + activation.signature());
      }
      values.add(toJava(value));
    }
    ActivationExpression expression;
    try {
      expression = create(name, arguments.get(0), values);
      checkTypes(expression);
    } catch (ActivationException e) {
      throw analysisError(e.getMessage());
    }
    return expression;
  }

  /**
   * The expression for {@code name(x, parameters...)}, parameters given as Java values.
   *
   * @throws ActivationException for an unknown name or a bad parameter
   */
  static ActivationExpression create(String name, Expression x, List<?> parameters) {
    Spec spec = Activations.get(name).bind(parameters);
    List<Object> given = new ArrayList<>(spec.arguments().values()).subList(0, parameters.size());
    return new ActivationExpression(x, name, given);
  }

  /**
   * The Column API's route: {@code name(x, parameters...)} as a Column, without registration.
   *
   * @throws ActivationException for an unknown name or a bad parameter
   * @throws IllegalStateException if this jar is built for another Spark line
   */
  public static Column column(String name, Column x, List<?> parameters) {
    SparkLine.requireMatch();
    return SparkShims.column(create(name, SparkShims.expression(x), parameters));
  }

  /** The Column for a parsed spec applied to x. */
  public static Column column(Spec spec, Column x) {
    return column(spec.activation().name(), x, spec.positionalArguments());
  }

  /**
   * The type a spec gives for an input of type {@code input}.
   *
   * @throws ActivationException if the input type is not supported, saying what is
   */
  public static DataType resultType(Spec spec, DataType input) {
    ActivationExpression expression =
        create(
            spec.activation().name(),
            new BoundReference(0, input, true),
            spec.positionalArguments());
    checkTypes(expression);
    return expression.dataType();
  }

  /**
   * @throws ActivationException saying which input types are supported, if x's is not
   */
  private static void checkTypes(ActivationExpression expression) {
    TypeCheckResult types = expression.checkInputDataTypes();
    if (types.isFailure()) {
      throw new ActivationException(((TypeCheckResult.TypeCheckFailure) types).message());
    }
  }

  private static Object toJava(Object literal) {
    if (literal instanceof UTF8String s) {
      return s.toString();
    }
    if (literal instanceof Decimal d) {
      return d.toJavaBigDecimal();
    }
    return literal;
  }

  /**
   * A plain-message {@link AnalysisException}, thrown unchecked: the analyzer (Scala) calls the
   * builder and handles it like its own errors, but Java sees it as checked.
   */
  private static RuntimeException analysisError(String message) {
    return ActivationFunctions.<RuntimeException>uncheck(
        new AnalysisException(
            message,
            Option.empty(),
            Option.empty(),
            Option.empty(),
            Option.empty(),
            scala.collection.immutable.Map$.MODULE$.empty(),
            new QueryContext[0]));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T uncheck(Throwable t) throws T {
    throw (T) t;
  }

  /** DESCRIBE FUNCTION's text, from the catalogue entry. */
  static ExpressionInfo info(Activation a, String name) {
    String usage =
        a.signature().replaceFirst("^" + a.name(), "_FUNC_")
            + " - "
            + a.doc()
            + (name.equals(a.name()) ? "" : " Alias of " + a.name() + ".");
    StringBuilder arguments = new StringBuilder("\n    Arguments:\n");
    arguments.append("      * x - ").append(inputDoc(a)).append('\n');
    for (Parameter p : a.parameters()) {
      arguments
          .append("      * ")
          .append(p.name())
          .append(" - ")
          .append(p.doc())
          .append(p.isRequired() ? "" : "; default " + p.defaultText())
          .append("; ")
          .append(p.allowed())
          .append(p.type() == Parameter.Type.CHOICE ? " (a string)" : "")
          .append(".\n");
    }
    Example e = a.example();
    String examples =
        "\n    Examples:\n      > SELECT " + e.sql("_FUNC_") + ";\n       " + e.result() + "\n  ";
    return new ExpressionInfo(
        ActivationExpression.class.getName(),
        null,
        name,
        usage,
        arguments + "  ",
        examples,
        "",
        a.kind() == Activation.Kind.ELEMENTWISE ? "math_funcs" : "array_funcs",
        Version.get().replaceFirst("-SNAPSHOT$", ""),
        "",
        "");
  }

  private static String inputDoc(Activation a) {
    return a.kind() == Activation.Kind.ELEMENTWISE
        ? "DOUBLE or FLOAT (same type out; other numbers are read as DOUBLE), or an array of them"
            + " (applied to each element; null elements stay null)."
        : "ARRAY<DOUBLE> or ARRAY<FLOAT> (other numeric elements are read as DOUBLE); null, or an"
            + " array holding a null, gives null.";
  }
}
