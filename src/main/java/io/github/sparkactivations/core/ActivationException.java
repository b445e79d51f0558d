package io.github.sparkactivations.core;

/**
 * A bad activation name, parameter or spec. The message is one sentence for the user: what was
 * wrong and what is allowed.
 */
public final class ActivationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ActivationException(String message) {
    super(message);
  }
}
