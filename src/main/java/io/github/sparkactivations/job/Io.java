package io.github.sparkactivations.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** File system calls in expressions: an IOException becomes unchecked. */
final class Io {

  private Io() {}

  interface Action<T> {
    T run() throws IOException;
  }

  /** The file system of a path, or a usage error naming it. */
  static FileSystem fileSystem(String path, Configuration hadoop) {
    try {
      return new Path(path).getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UsageException("cannot access " + path + ": " + e.getMessage());
    }
  }

  static <T> T io(Action<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
