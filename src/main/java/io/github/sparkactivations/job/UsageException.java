package io.github.sparkactivations.job;

/**
 * Bad usage or input: reported as one line (what is wrong and how to fix it) with exit code 2,
 * before anything is written.
 */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  /** With the failure it reports, for what explains failures by their causes (storage). */
  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
