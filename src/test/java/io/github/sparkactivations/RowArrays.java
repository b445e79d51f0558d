package io.github.sparkactivations;

import java.util.List;

/** Array columns of collected rows as Java arrays. */
public final class RowArrays {

  private RowArrays() {}

  public static float[] floats(List<?> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = ((Number) values.get(i)).floatValue();
    }
    return array;
  }

  public static double[] doubles(List<?> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }
}
