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
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.bitset.BitSetMethods;

/**
 * Moves Spark arrays to and from primitive arrays for the kernels, without boxing. Called from
 * generated code, so everything here is public and static.
 */
public final class ArrayConversions {

  private ArrayConversions() {}

  /** The array's elements as doubles, or null if any element is null. */
  public static double[] toDoubles(ArrayData array, DataType elementType) {
    double[] x = new double[array.numElements()];
    return readDoubles(array, elementType, x) ? x : null;
  }

  /**
   * Writes the array's elements as doubles to the front of {@code into} (at least as long as the
   * array); false, with {@code into} partly written, if any element is null.
   */
  public static boolean readDoubles(ArrayData array, DataType elementType, double[] into) {
    int n = array.numElements();
    if (array instanceof UnsafeArrayData unsafe && !hasNull(array, n)) {
      if (elementType instanceof DoubleType) {
        for (int i = 0; i < n; i++) {
          into[i] = unsafe.getDouble(i);
        }
        return true;
      }
      if (elementType instanceof FloatType) {
        for (int i = 0; i < n; i++) {
          into[i] = unsafe.getFloat(i);
        }
        return true;
      }
    }
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        return false;
      }
      into[i] = elementAsDouble(array, i, elementType);
    }
    return true;
  }

  /**
   * Rows of this many floats or more are copied whole; shorter ones are read value by value, which
   * costs less than a copy's fixed cost (10 values, read alone: about 10 against 13 ns per row).
   */
  private static final int COPY_FROM = 16;

  /** A float array's elements, or null if any element is null. */
  public static float[] toFloats(ArrayData array) {
    float[] x = new float[array.numElements()];
    return readFloats(array, true, x) ? x : null;
  }

  /**
   * Copies a float array's elements to the front of {@code into} (at least as long as the array,
   * and best {@link #newFloatBuffer}'s); false if an element is null, which is looked for only
   * where the type allows nulls.
   */
  public static boolean readFloats(ArrayData array, boolean mayHoldNulls, float[] into) {
    int n = array.numElements();
    if (mayHoldNulls && hasNull(array, n)) {
      return false;
    }
    if (array instanceof UnsafeArrayData unsafe) {
      long values = unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
      // A short row as the kernels read it at once: a copy value by value would make them wait.
      if (unsafe.getBaseObject() instanceof byte[] bytes
          && ArrayKernels.copyShortFloatRow(
              bytes, (int) (values - Platform.BYTE_ARRAY_OFFSET), n, into)) {
        return true;
      }
      if (n >= COPY_FROM) {
        Platform.copyMemory(
            unsafe.getBaseObject(),
            values,
            into,
            Platform.FLOAT_ARRAY_OFFSET,
            (long) Float.BYTES * n);
        return true;
      }
    }
    for (int i = 0; i < n; i++) {
      into[i] = array.getFloat(i);
    }
    return true;
  }

  /** A buffer for float rows of n values or fewer, with the room the kernels read short rows in. */
  public static float[] newFloatBuffer(int n) {
    return new float[Math.max(n, ArrayKernels.FLOAT_ROW_BUFFER)];
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
    return fromDoubles(values, values.length, asFloat);
  }

  /** A Spark array of the first {@code n} values, rounded once to float when asked. */
  public static ArrayData fromDoubles(double[] values, int n, boolean asFloat) {
    UnsafeArrayData out = UnsafeArrayData.createFreshArray(n, asFloat ? 4 : 8);
    for (int i = 0; i < n; i++) {
      if (asFloat) {
        out.setFloat(i, (float) values[i]);
      } else {
        out.setDouble(i, values[i]);
      }
    }
    return out;
  }

  /**
   * Memory for a Spark array of n floats with no null: a float array laid out as {@link
   * UnsafeArrayData} (length, null bits, values), its length written, for a kernel to write the
   * values from {@link #firstValue}(n) and {@link #overFloats} to wrap without copying them.
   */
  public static float[] newFloatArray(int n) {
    // Padded to whole 8-byte words, as Spark's arrays are.
    float[] memory = new float[firstValue(n) + n + (n & 1)];
    Platform.putLong(memory, Platform.FLOAT_ARRAY_OFFSET, n);
    return memory;
  }

  /** Where the values start in {@link #newFloatArray}(n), after the header. */
  public static int firstValue(int n) {
    return UnsafeArrayData.calculateHeaderPortionInBytes(n) / Float.BYTES;
  }

  /** The Spark array over the memory of {@link #newFloatArray}. */
  public static ArrayData overFloats(float[] memory) {
    UnsafeArrayData array = new UnsafeArrayData();
    array.pointTo(memory, Platform.FLOAT_ARRAY_OFFSET, Float.BYTES * memory.length);
    return array;
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

  /** Whether an element is null: in an {@link UnsafeArrayData}, 64 null bits at a time. */
  private static boolean hasNull(ArrayData array, int n) {
    if (array instanceof UnsafeArrayData unsafe) {
      long nullWords = (UnsafeArrayData.calculateHeaderPortionInBytes(n) - 8) / 8;
      return BitSetMethods.anySet(unsafe.getBaseObject(), unsafe.getBaseOffset() + 8, nullWords);
    }
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        return true;
      }
    }
    return false;
  }
}
