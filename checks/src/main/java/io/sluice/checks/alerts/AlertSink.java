package io.sluice.checks.alerts;

/** Delivers alerts somewhere. Implementations must not log secrets. */
public interface AlertSink {
  /** A name for logs and reports. */
  String name();

  /** Delivers one alert; throws when it could not be delivered after the sink's own retries. */
  void send(Alert alert) throws Exception;
}
