package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.Activation.Kind;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.ArrayKernels;
import io.github.sparkactivations.core.Spec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.codegen.Block;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.FalseLiteral$;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * One generic Catalyst expression for every activation of the catalogue: {@code f(x, params...)}
 * with the parameters already bound. Whole-stage codegen emits a direct static call of the
 * activation's kernel ({@code Kernels.sigmoid(x)}, {@code ArrayKernels.softmax(...)}); the
 * interpreted path evaluates the same kernel through the core's {@link Spec}.
 *
 * <p>Input types: DOUBLE and FLOAT keep their type, other numbers are read as DOUBLE; arrays of
 * them likewise. Element-wise functions keep null elements; array-normalising functions return null
 * for an array holding a null.
 */
public final class ActivationExpression extends UnaryExpressionBase implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final String KERNELS = "io.github.sparkactivations.core.Kernels";
  private static final String ARRAY_KERNELS = "io.github.sparkactivations.core.ArrayKernels";
  private static final String ARRAYS = ArrayConversions.class.getName();

  private final Expression child;
  private final String function;
  private final ArrayList<Object> parameters;
  private transient Spec spec;
  private transient scala.collection.immutable.List<Expression> children;

  /**
   * @param function the name the function was called by (a catalogue name or alias)
   * @param parameters the parameters given after x, as Double, Integer or String (already valid)
   */
  public ActivationExpression(Expression child, String function, List<Object> parameters) {
    this.child = child;
    this.function = function;
    this.parameters = new ArrayList<>(parameters);
  }

  /** The bound activation; rebuilt after deserialization from the name and parameters. */
  public Spec spec() {
    if (spec == null) {
      spec = Activations.get(function).bind(parameters);
    }
    return spec;
  }

  private Activation activation() {
    return spec().activation();
  }

  public Expression child() {
    return child;
  }

  /** A {@code List}, which is a {@code Seq} on Scala 2.12 and 2.13 alike. */
  @Override
  public scala.collection.immutable.List<Expression> children() {
    if (children == null) {
      children = scala.collection.immutable.Nil$.MODULE$.$colon$colon(child);
    }
    return children;
  }

  @Override
  public boolean foldable() {
    return child.foldable();
  }

  @Override
  public String prettyName() {
    return function;
  }

  @Override
  public String sql() {
    return render(child.sql());
  }

  @Override
  public String toString() {
    return render(child.toString());
  }

  private String render(String x) {
    StringBuilder s = new StringBuilder(function).append('(').append(x);
    for (Object p : parameters) {
      s.append(", ").append(p instanceof String text ? "'" + text + "'" : p);
    }
    return s.append(')').toString();
  }

  // ---- types ------------------------------------------------------------------------------

  /** The element (or scalar) type the kernel reads, or null if the input is not supported. */
  private DataType inputElementType() {
    DataType type = child.dataType();
    if (activation().kind() == Kind.ELEMENTWISE && isNumeric(type)) {
      return type;
    }
    if (type instanceof ArrayType array && isNumeric(array.elementType())) {
      return array.elementType();
    }
    return isVectorInput() ? DataTypes.DoubleType : null;
  }

  /** An ML Vector column: computed on its values natively, no conversion to an array. */
  private boolean isVectorInput() {
    return child.dataType() instanceof VectorUDT;
  }

  /**
   * Element-wise functions with f(0) = 0 keep a sparse vector sparse; others make it dense. Asked
   * of the kernel itself, so parameters count (threshold(x, -1, 0) keeps 0 at 0, for example).
   */
  private boolean keepsSparsity() {
    return spec().apply(0.0) == 0.0;
  }

  private static boolean isNumeric(DataType type) {
    return type instanceof NumericType || type instanceof NullType;
  }

  private boolean isArrayInput() {
    return child.dataType() instanceof ArrayType;
  }

  /** Results stay FLOAT for FLOAT input; everything else is computed and returned as DOUBLE. */
  private DataType resultElementType() {
    return DataTypes.FloatType.equals(inputElementType())
        ? DataTypes.FloatType
        : DataTypes.DoubleType;
  }

  private boolean inputContainsNull() {
    return child.dataType() instanceof ArrayType array && array.containsNull();
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    if (inputElementType() != null) {
      return TypeCheckResult.TypeCheckSuccess$.MODULE$;
    }
    String allowed =
        activation().kind() == Kind.ELEMENTWISE
            ? "a number (DOUBLE, FLOAT, or another numeric type read as DOUBLE), an array of"
                + " numbers or an ML vector"
            : "an array of numbers (ARRAY<DOUBLE> or ARRAY<FLOAT>; other numeric elements are read"
                + " as DOUBLE) or an ML vector";
    return new TypeCheckResult.TypeCheckFailure(
        function + ": x must be " + allowed + ", got " + child.dataType().sql());
  }

  @Override
  public DataType dataType() {
    DataType element = resultElementType();
    if (activation().kind() == Kind.ELEMENTWISE) {
      if (isVectorInput()) {
        return child.dataType();
      }
      return isArrayInput() ? DataTypes.createArrayType(element, inputContainsNull()) : element;
    }
    return switch (activation().output()) {
      case SAME_AS_INPUT ->
          isVectorInput() ? child.dataType() : DataTypes.createArrayType(element, false);
      case DOUBLE -> DataTypes.DoubleType;
      case INDEX -> DataTypes.IntegerType;
      case TOP_K -> DataTypes.createArrayType(topKElement(element), false);
    };
  }

  static StructType topKElement(DataType valueType) {
    return new StructType()
        .add("index", DataTypes.IntegerType, false)
        .add("value", valueType, false);
  }

  @Override
  public boolean nullable() {
    if (activation().kind() == Kind.ELEMENTWISE) {
      return child.nullable();
    }
    // argmax has no answer for an empty array or a NaN; every normalising function returns null
    // for an array with a null element.
    return child.nullable()
        || inputContainsNull()
        || activation().output() == Activation.Output.INDEX;
  }

  // ---- interpreted ------------------------------------------------------------------------

  @Override
  public Object eval(InternalRow row) {
    Object input = child.eval(row);
    return input == null ? null : nullSafeEval(input);
  }

  private Object nullSafeEval(Object input) {
    Spec s = spec();
    boolean asFloat = DataTypes.FloatType.equals(resultElementType());
    if (isVectorInput()) {
      InternalRow vector = (InternalRow) input;
      if (activation().kind() == Kind.NORMALISING) {
        return normalise(s, VectorConversions.toDenseArray(vector), false, true);
      }
      boolean sparse = keepsSparsity();
      double[] x =
          sparse ? VectorConversions.values(vector) : VectorConversions.toDenseArray(vector);
      s.apply(x, 0, x.length, x, 0);
      return sparse ? VectorConversions.withValues(vector, x) : VectorConversions.dense(x);
    }
    if (activation().kind() == Kind.ELEMENTWISE && !isArrayInput()) {
      double y = s.apply(toDouble(input));
      return asFloat ? (Object) (float) y : (Object) y;
    }
    if (usesFloatKernel()) {
      float[] x = ArrayConversions.toFloats((ArrayData) input);
      if (x != null) {
        int n = x.length;
        float[] out = ArrayConversions.newFloatArray(n);
        s.apply(x, 0, n, out, ArrayConversions.firstValue(n));
        return ArrayConversions.overFloats(out);
      }
      if (activation().kind() == Kind.NORMALISING) {
        return null;
      }
    }
    if (activation().kind() == Kind.ELEMENTWISE) {
      ArrayData in = (ArrayData) input;
      int n = in.numElements();
      UnsafeArrayData out = UnsafeArrayData.createFreshArray(n, asFloat ? 4 : 8);
      DataType element = inputElementType();
      for (int i = 0; i < n; i++) {
        if (in.isNullAt(i)) {
          out.setNullAt(i);
        } else if (asFloat) {
          out.setFloat(i, (float) s.apply((double) in.getFloat(i)));
        } else {
          out.setDouble(i, s.apply(ArrayConversions.elementAsDouble(in, i, element)));
        }
      }
      return out;
    }
    double[] x = ArrayConversions.toDoubles((ArrayData) input, inputElementType());
    return x == null ? null : normalise(s, x, asFloat, false);
  }

  /** Float arrays in and out, and the kernel has a float form: no widening. */
  private boolean usesFloatKernel() {
    return isArrayInput()
        && DataTypes.FloatType.equals(inputElementType())
        && spec().hasFloatKernel();
  }

  /** A normalising function on the row's values, wrapped as the output type wants. */
  private Object normalise(Spec s, double[] x, boolean asFloat, boolean asVector) {
    int n = x.length;
    switch (activation().output()) {
      case DOUBLE:
        return s.reduce(x, 0, n);
      case INDEX:
        int index = s.index(x, 0, n);
        return index == ArrayKernels.NO_RESULT ? null : (Object) index;
      case TOP_K:
        int[] indices = new int[n];
        int count = s.topK(x, 0, n, indices);
        return count == ArrayKernels.NO_RESULT
            ? null
            : ArrayConversions.topK(x, indices, count, asFloat);
      default:
        s.apply(x, 0, n, x, 0);
        return asVector ? VectorConversions.dense(x) : ArrayConversions.fromDoubles(x, asFloat);
    }
  }

  private static double toDouble(Object value) {
    return value instanceof Decimal d ? d.toDouble() : ((Number) value).doubleValue();
  }

  // ---- codegen ----------------------------------------------------------------------------

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    boolean asFloat = DataTypes.FloatType.equals(resultElementType());
    ExprCode in = child.genCode(ctx);
    String x = in.value().toString();
    String result;
    if (isVectorInput()) {
      result = vectorCode(ctx, ev, x);
    } else if (activation().kind() == Kind.ELEMENTWISE && !isArrayInput()) {
      result =
          ev.value() + " = " + (asFloat ? "(float) " : "") + kernelCall(KERNELS, asDouble(x)) + ";";
    } else if (usesFloatKernel()) {
      // A float array with a null element keeps it null element-wise; normalising gives null.
      String whenNull =
          activation().kind() == Kind.ELEMENTWISE
              ? elementwiseWithNullsCode(ctx, ev, x, asFloat)
              : nullResult(ev);
      result = floatKernelCode(ctx, ev, x, whenNull);
    } else if (activation().kind() == Kind.ELEMENTWISE) {
      result = elementwiseArrayCode(ctx, ev, x, asFloat);
    } else {
      String values = ARRAYS + ".toDoubles(" + x + ", " + elementTypeReference(ctx) + ")";
      String wrap = ARRAYS + ".fromDoubles(%s, " + asFloat + ")";
      result = normalisingCode(ctx, ev, "double[]", values, wrap, asFloat);
    }
    // The null handling Spark's UnaryExpression.nullSafeCodeGen would write.
    String declare =
        CodeGenerator.javaType(dataType())
            + " "
            + ev.value()
            + " = "
            + CodeGenerator.defaultValue(dataType(), false)
            + ";\n";
    if (!nullable()) {
      // The array paths still mention the null flag; declare it, but promise Spark non-null.
      String code = in.code() + "\nboolean " + ev.isNull() + " = false;\n" + declare + result;
      return ev.copy(block(code), FalseLiteral$.MODULE$, ev.value());
    }
    String code =
        in.code()
            + "\nboolean "
            + ev.isNull()
            + " = "
            + in.isNull()
            + ";\n"
            + declare
            + ctx.nullSafeExec(child.nullable(), in.isNull().toString(), result);
    return ev.copy(block(code), ev.isNull(), ev.value());
  }

  private static Block block(String code) {
    return new CodeBlock(
        ScalaCollections.seq(List.of(code)), ScalaCollections.seq(List.<JavaCode>of()));
  }

  /**
   * The kernel applied in place to the array widened to doubles, then one rounding back to the
   * element type. Widening in a loop of its own matters for float input: the JIT's float-to-double
   * conversion writes half a register and so waits on its last writer, and fused with the kernel
   * that chains every element to the one before. An array holding nulls takes a loop that keeps
   * them null.
   */
  private String elementwiseArrayCode(CodegenContext ctx, ExprCode ev, String in, boolean asFloat) {
    String values = rowBuffer(ctx, "double");
    String n = ctx.freshName("n");
    String i = ctx.freshName("i");
    String apply = values + "[" + i + "] = " + kernelCall(KERNELS, values + "[" + i + "]") + ";";
    return lengthAndCapacity(in, n, values, "double")
        + "if ("
        + ARRAYS
        + ".readDoubles("
        + in
        + ", "
        + elementTypeReference(ctx)
        + ", "
        + values
        + ")) {\n"
        + forEach(i, n, apply)
        + ev.value()
        + " = "
        + ARRAYS
        + ".fromDoubles("
        + values
        + ", "
        + n
        + ", "
        + asFloat
        + ");\n}"
        + (inputContainsNull()
            ? " else {\n" + elementwiseWithNullsCode(ctx, ev, in, asFloat) + "}\n"
            : "\n");
  }

  /**
   * A float kernel from the row copied into a buffer kept by the generated iterator (so per task)
   * into the memory of the result: a fresh array per row would cost about as much as the copy, and
   * the result written to a buffer and copied out would cost one more copy. A row with a null
   * element takes {@code whenNull}.
   */
  private String floatKernelCode(CodegenContext ctx, ExprCode ev, String in, String whenNull) {
    String floats = rowBuffer(ctx, "float");
    String n = ctx.freshName("n");
    String out = ctx.freshName("out");
    String range = floats + ", 0, " + n + ", " + out + ", " + ARRAYS + ".firstValue(" + n + ")";
    return lengthAndCapacity(in, n, floats, "float")
        + "if ("
        + ARRAYS
        + ".readFloats("
        + in
        + ", "
        + inputContainsNull()
        + ", "
        + floats
        + ")) {\n"
        + "float[] "
        + out
        + " = "
        + ARRAYS
        + ".newFloatArray("
        + n
        + ");\n"
        + kernelCall(ARRAY_KERNELS, range)
        + ";\n"
        + ev.value()
        + " = "
        + ARRAYS
        + ".overFloats("
        + out
        + ");\n} else {\n"
        + whenNull
        + "\n}\n";
  }

  /** An array of {@code type} kept by the generated iterator (so per task), reused by every row. */
  private static String rowBuffer(CodegenContext ctx, String type) {
    return ctx.addMutableState(
        type + "[]", type + "s", name -> name + " = new " + type + "[0];", false, true);
  }

  /**
   * {@code int n = in.numElements();}, and the buffer grown to hold n values if it is shorter
   * (float buffers by {@link ArrayConversions#newFloatBuffer}).
   */
  private static String lengthAndCapacity(String in, String n, String buffer, String type) {
    String grown =
        type.equals("float")
            ? ARRAYS + ".newFloatBuffer(" + n + ")"
            : "new " + type + "[" + n + "]";
    return "int "
        + n
        + " = "
        + in
        + ".numElements();\n"
        + "if ("
        + buffer
        + ".length < "
        + n
        + ") { "
        + buffer
        + " = "
        + grown
        + "; }\n";
  }

  /** A loop over the elements calling the kernel directly; null elements stay null. */
  private String elementwiseWithNullsCode(
      CodegenContext ctx, ExprCode ev, String in, boolean asFloat) {
    String n = ctx.freshName("n");
    String out = ctx.freshName("out");
    String i = ctx.freshName("i");
    String element = in + (asFloat ? ".getFloat(" : ".getDouble(") + i + ")";
    if (!DataTypes.FloatType.equals(inputElementType())
        && !DataTypes.DoubleType.equals(inputElementType())) {
      element =
          ARRAYS + ".elementAsDouble(" + in + ", " + i + ", " + elementTypeReference(ctx) + ")";
    }
    String result = (asFloat ? "(float) " : "") + kernelCall(KERNELS, "(double) " + element);
    String set = out + (asFloat ? ".setFloat(" : ".setDouble(") + i + ", " + result + ");";
    String body =
        "if ("
            + in
            + ".isNullAt("
            + i
            + ")) { "
            + out
            + ".setNullAt("
            + i
            + "); } else { "
            + set
            + " }";
    return "int "
        + n
        + " = "
        + in
        + ".numElements();\n"
        + "org.apache.spark.sql.catalyst.expressions.UnsafeArrayData "
        + out
        + " = org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.createFreshArray("
        + n
        + ", "
        + (asFloat ? 4 : 8)
        + ");\n"
        + forEach(i, n, body)
        + ev.value()
        + " = "
        + out
        + ";";
  }

  /**
   * An ML vector: element-wise kernels run over its values in place (sparse stays sparse where f(0)
   * = 0), normalising ones over its dense values.
   */
  private String vectorCode(CodegenContext ctx, ExprCode ev, String in) {
    String vectors = VectorConversions.class.getName();
    if (activation().kind() == Kind.NORMALISING) {
      String values = vectors + ".toDenseArray(" + in + ")";
      return normalisingCode(ctx, ev, "double[]", values, vectors + ".dense(%s)", false);
    }
    boolean sparse = keepsSparsity();
    String x = ctx.freshName("x");
    String i = ctx.freshName("i");
    return "double[] "
        + x
        + " = "
        + vectors
        + (sparse ? ".values(" : ".toDenseArray(")
        + in
        + ");\n"
        + forEach(
            i, x + ".length", x + "[" + i + "] = " + kernelCall(KERNELS, x + "[" + i + "]") + ";")
        + ev.value()
        + " = "
        + (sparse ? vectors + ".withValues(" + in + ", " + x + ")" : vectors + ".dense(" + x + ")")
        + ";";
  }

  /**
   * Calls a normalising kernel on {@code values} (code giving a {@code arrayType}, null when the
   * input holds a null); {@code wrap} formats the code that turns the result array into the output.
   */
  private String normalisingCode(
      CodegenContext ctx,
      ExprCode ev,
      String arrayType,
      String values,
      String wrap,
      boolean asFloat) {
    String x = ctx.freshName("x");
    String n = ctx.freshName("n");
    StringBuilder code = new StringBuilder();
    code.append(arrayType).append(' ').append(x).append(" = ").append(values).append(";\n");
    code.append("if (")
        .append(x)
        .append(" == null) { ")
        .append(nullResult(ev))
        .append(" } else {\n");
    code.append("int ").append(n).append(" = ").append(x).append(".length;\n");
    String range = x + ", 0, " + n;
    switch (activation().output()) {
      case DOUBLE ->
          code.append(ev.value())
              .append(" = ")
              .append(kernelCall(ARRAY_KERNELS, range))
              .append(";\n");
      case INDEX -> {
        String index = ctx.freshName("index");
        code.append("int ").append(index).append(" = ").append(kernelCall(ARRAY_KERNELS, range));
        code.append(";\n").append(nullIfNoResult(ev, index, index));
      }
      case TOP_K -> {
        String indices = ctx.freshName("indices");
        String count = ctx.freshName("count");
        code.append("int[] ").append(indices).append(" = new int[").append(n).append("];\n");
        code.append("int ").append(count).append(" = ");
        code.append(kernelCall(ARRAY_KERNELS, range, indices)).append(";\n");
        String pairs = ARRAYS + ".topK(" + x + ", " + indices + ", " + count + ", " + asFloat + ")";
        code.append(nullIfNoResult(ev, count, pairs));
      }
      case SAME_AS_INPUT -> {
        code.append(kernelCall(ARRAY_KERNELS, range + ", " + x + ", 0")).append(";\n");
        code.append(ev.value()).append(" = ").append(String.format(wrap, x)).append(";\n");
      }
    }
    return code.append("}\n").toString();
  }

  private static String nullResult(ExprCode ev) {
    return ev.isNull() + " = true;";
  }

  /** {@code for (int i = 0; i < bound; i++) { body }} */
  private static String forEach(String i, String bound, String body) {
    return "for (int " + i + " = 0; " + i + " < " + bound + "; " + i + "++) { " + body + " }\n";
  }

  /** Null where a kernel reported {@link ArrayKernels#NO_RESULT} (negative), else the value. */
  private static String nullIfNoResult(ExprCode ev, String result, String value) {
    return "if ("
        + result
        + " < 0) { "
        + ev.isNull()
        + " = true; } else { "
        + ev.value()
        + " = "
        + value
        + "; }\n";
  }

  private String elementTypeReference(CodegenContext ctx) {
    return ctx.addReferenceObj("elementType", inputElementType(), DataType.class.getName());
  }

  /** {@code Owner.method(leading, parameters..., trailing)} with parameters as Java literals. */
  private String kernelCall(String owner, String leading, String... trailing) {
    List<String> arguments = new ArrayList<>();
    arguments.add(leading);
    for (Object p : spec().kernelArguments()) {
      arguments.add(javaLiteral(p));
    }
    arguments.addAll(List.of(trailing));
    return owner + "." + spec().kernelMethod() + "(" + String.join(", ", arguments) + ")";
  }

  private String asDouble(String value) {
    DataType type = child.dataType();
    if (type instanceof DecimalType) {
      return value + ".toDouble()";
    }
    return type instanceof NullType ? "0.0" : "(double) " + value;
  }

  private static String javaLiteral(Object value) {
    if (value instanceof Double d) {
      if (d.isInfinite()) {
        return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
      }
      return d + "D";
    }
    return String.valueOf(value);
  }

  // ---- tree plumbing (what a Scala case class would generate) ------------------------------

  @Override
  protected Expression withNewChild(Expression newChild) {
    return new ActivationExpression(newChild, function, parameters);
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> child;
      case 1 -> function;
      case 2 -> parameters;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof ActivationExpression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationExpression e
        && e.child.equals(child)
        && e.function.equals(function)
        && e.parameters.equals(parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(child, function, parameters);
  }
}
