package io.github.sparkactivations.sql;

import io.github.sparkactivations.core.ArrayKernels;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * Moves Spark arrays to and from primitive arrays for the kernels, without boxing. Called from
 * generated code, so everything here is public and static.
 */
public final class ArrayConversions {

  private ArrayConversions() {}

  /** The array's elements as doubles, or null if any element is null. */
  public static double[] toDoubles(ArrayData array, DataType elementType) {
    int n = array.numElements();
    if (array instanceof UnsafeArrayData unsafe && !hasNull(array, n)) {
      if (elementType instanceof DoubleType) {
        return unsafe.toDoubleArray(); // one bulk copy
      }
      if (elementType instanceof FloatType) {
        return ArrayKernels.widen(unsafe.toFloatArray(), 0, n);
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        return null;
      }
      x[i] = elementAsDouble(array, i, elementType);
    }
    return x;
  }

  /** A float array's elements, or null if any element is null. */
  public static float[] toFloats(ArrayData array) {
    int n = array.numElements();
    if (hasNull(array, n)) {
      return null;
    }
    return array.toFloatArray(); // one bulk copy for UnsafeArrayData
  }

  /** Element i (not null) of an array of any numeric type, as a double. */
  public static double elementAsDouble(ArrayData array, int i, DataType elementType) {
    if (elementType instanceof DoubleType) {
      return array.getDouble(i);
    }
    if (elementType instanceof FloatType) {
      return array.getFloat(i);
    }
    if (elementType instanceof IntegerType) {
      return array.getInt(i);
    }
    if (elementType instanceof LongType) {
      return array.getLong(i);
    }
    if (elementType instanceof ShortType) {
      return array.getShort(i);
    }
    if (elementType instanceof ByteType) {
      return array.getByte(i);
    }
    if (elementType instanceof DecimalType decimal) {
      return array.getDecimal(i, decimal.precision(), decimal.scale()).toDouble();
    }
    throw new IllegalArgumentException("not a numeric element type: " + elementType);
  }

  /** A Spark array of the values, rounded once to float when the input was float. */
  public static ArrayData fromDoubles(double[] values, boolean asFloat) {
    if (!asFloat) {
      return UnsafeArrayData.fromPrimitiveArray(values);
    }
    float[] floats = new float[values.length];
    ArrayKernels.narrow(values, floats, 0);
    return fromFloats(floats);
  }

  public static ArrayData fromFloats(float[] values) {
    return UnsafeArrayData.fromPrimitiveArray(values);
  }

  /** top_k's result: (index, value) structs for the first {@code count} indices. */
  public static ArrayData topK(double[] x, int[] indices, int count, boolean asFloat) {
    InternalRow[] rows = new InternalRow[count];
    for (int i = 0; i < count; i++) {
      double value = x[indices[i]];
      rows[i] =
          new GenericInternalRow(
              new Object[] {indices[i], asFloat ? (Object) (float) value : (Object) value});
    }
    return new GenericArrayData(rows);
  }

  private static boolean hasNull(ArrayData array, int n) {
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        return true;
      }
    }
    return false;
  }
}
