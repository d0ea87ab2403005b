package io.sluice.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;

/** Event-time window size of a metric; windows are aligned to the UTC epoch (days start at 00:00 UTC). */
public enum Grain {
  M5("5m", Duration.ofMinutes(5)),
  M15("15m", Duration.ofMinutes(15)),
  H1("1h", Duration.ofHours(1)),
  D1("1d", Duration.ofDays(1));

  private final String label;
  private final Duration size;

  Grain(String label, Duration size) {
    this.label = label;
    this.size = size;
  }

  @JsonValue
  public String label() {
    return label;
  }

  public Duration size() {
    return size;
  }

  /** Start of the window holding {@code epochMillis}. */
  public long windowStart(long epochMillis) {
    long s = size.toMillis();
    return Math.floorDiv(epochMillis, s) * s;
  }

  @JsonCreator
  public static Grain of(String label) {
    for (Grain g : values()) {
      if (g.label.equalsIgnoreCase(label) || g.name().equalsIgnoreCase(label)) {
        return g;
      }
    }
    throw new IllegalArgumentException("grain '" + label + "' is not one of 5m, 15m, 1h, 1d");
  }

  @Override
  public String toString() {
    return label;
  }
}
