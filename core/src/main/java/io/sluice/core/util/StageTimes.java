package io.sluice.core.util;

import java.util.Map;

/** Per-stage wall times of a batch, in milliseconds, as reported by every stage. */
public final class StageTimes {
  private StageTimes() {}

  /** Records the milliseconds since {@code startNanos} under {@code stage} and returns now, the next stage's start. */
  public static long lap(Map<String, Long> millis, String stage, long startNanos) {
    long now = System.nanoTime();
    millis.put(stage, (now - startNanos) / 1_000_000);
    return now;
  }
}
