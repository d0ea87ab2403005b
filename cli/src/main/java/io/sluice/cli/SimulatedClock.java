package io.sluice.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the demo moves forward by hand, so freshness is judged against the simulated stream. */
final class SimulatedClock extends Clock {
  private volatile Instant now;

  SimulatedClock(Instant start) {
    this.now = start;
  }

  void set(Instant t) {
    this.now = t;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
