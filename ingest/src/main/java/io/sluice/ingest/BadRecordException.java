package io.sluice.ingest;

/** A record that fails conversion or validation; the message is the quarantine reason. */
final class BadRecordException extends Exception {
  BadRecordException(String message) {
    super(message, null, false, false);
  }
}
