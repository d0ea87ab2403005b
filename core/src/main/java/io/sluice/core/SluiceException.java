package io.sluice.core;

/** Base of every error Sluice reports to a user; the message is meant to be read as-is. */
public class SluiceException extends RuntimeException {
  public SluiceException(String message) {
    super(message);
  }

  public SluiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
