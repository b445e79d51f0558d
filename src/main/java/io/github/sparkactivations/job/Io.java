package io.github.sparkactivations.job;

import java.io.IOException;
import java.io.UncheckedIOException;

/** File system calls in expressions: an IOException becomes unchecked. */
final class Io {

  private Io() {}

  interface Action<T> {
    T run() throws IOException;
  }

  static <T> T io(Action<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
