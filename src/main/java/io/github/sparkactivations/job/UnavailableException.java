package io.github.sparkactivations.job;

/**
 * A service the job needs refused it or could not be reached (a broker, a NameNode, an object
 * store): reported as one line (which service, why, what to check) with exit code 1.
 */
final class UnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UnavailableException(String message) {
    super(message);
  }
}
