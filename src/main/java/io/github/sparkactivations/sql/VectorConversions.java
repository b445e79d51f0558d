package io.github.sparkactivations.sql;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Reads and writes Spark ML vectors in their internal form, the struct (type, size, indices,
 * values) of {@code VectorUDT}: type 0 is sparse, 1 dense. Called from generated code.
 */
public final class VectorConversions {

  private static final byte SPARSE = 0;
  private static final byte DENSE = 1;

  private VectorConversions() {}

  /** A copy of the stored values (the non-zeros of a sparse vector). */
  public static double[] values(InternalRow vector) {
    return vector.getArray(3).toDoubleArray();
  }

  /** Every entry, zeros of a sparse vector included. */
  public static double[] toDenseArray(InternalRow vector) {
    if (vector.getByte(0) == DENSE) {
      return values(vector);
    }
    double[] dense = new double[vector.getInt(1)];
    ArrayData indices = vector.getArray(2);
    ArrayData values = vector.getArray(3);
    for (int i = 0; i < values.numElements(); i++) {
      dense[indices.getInt(i)] = values.getDouble(i);
    }
    return dense;
  }

  public static InternalRow dense(double[] values) {
    return new GenericInternalRow(
        new Object[] {DENSE, null, null, UnsafeArrayData.fromPrimitiveArray(values)});
  }

  /** The same vector (type, size, indices) with new stored values. */
  public static InternalRow withValues(InternalRow vector, double[] values) {
    byte type = vector.getByte(0);
    return new GenericInternalRow(
        new Object[] {
          type,
          type == SPARSE ? vector.getInt(1) : null,
          type == SPARSE ? vector.getArray(2).copy() : null,
          UnsafeArrayData.fromPrimitiveArray(values)
        });
  }
}
