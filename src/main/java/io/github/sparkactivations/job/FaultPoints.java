package io.github.sparkactivations.job;

/**
 * Named points of a commit where tests stop the driver: dead, as kill -9 would stop it ({@value
 * #CRASH_POINT}), or paused until the test kills it ({@value #PAUSE_POINT}), so that a real kill
 * lands in a known phase instead of whenever a poll happens to see it. Inert unless a variable
 * names the point.
 */
final class FaultPoints {

  static final String CRASH_POINT = "SPARK_ACTIVATIONS_TEST_CRASH_POINT";
  static final String PAUSE_POINT = "SPARK_ACTIVATIONS_TEST_PAUSE_POINT";

  private FaultPoints() {}

  static void reached(String point) {
    if (point.equals(System.getenv(CRASH_POINT))) {
      Runtime.getRuntime().halt(137);
    }
    if (point.equals(System.getenv(PAUSE_POINT))) {
      System.err.println("paused at " + point);
      System.err.flush();
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // only the kill the test sends ends the pause
        }
      }
    }
  }
}
