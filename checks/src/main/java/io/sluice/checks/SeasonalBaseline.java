package io.sluice.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * The same slot in earlier weeks (or, with less than two weeks of history, earlier days): what a
 * window "usually" looks like, robust to daily and weekly seasonality.
 */
final class SeasonalBaseline {
  static final long DAY = 86_400_000L;
  private static final int WEEKS = 4;
  private static final int DAYS = 7;

  private SeasonalBaseline() {}

  /** Earlier windows comparable to {@code window}, no earlier than {@code historyStart}; empty if too few. */
  static List<Long> slots(long window, long historyStart) {
    List<Long> weekly = new ArrayList<>();
    for (int k = 1; k <= WEEKS && window - k * 7 * DAY >= historyStart; k++) {
      weekly.add(window - k * 7 * DAY);
    }
    if (weekly.size() >= 2) {
      return weekly;
    }
    List<Long> daily = new ArrayList<>();
    for (int k = 1; k <= DAYS && window - k * DAY >= historyStart; k++) {
      daily.add(window - k * DAY);
    }
    return daily.size() >= 3 ? daily : List.of();
  }

  static double median(List<Long> slots, LongToDoubleFunction value) {
    double[] v = new double[slots.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = value.applyAsDouble(slots.get(i));
    }
    return new Median().evaluate(v);
  }
}
