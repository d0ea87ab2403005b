package io.sluice.checks;

import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.MetricSpec;
import java.util.List;
import java.util.NavigableMap;
import java.util.SortedSet;

/**
 * Gate: each complete window's row count against the same slot in earlier weeks or days. A window
 * with no rows where history has some is a {@code missing_window}; one far below its baseline fails
 * {@code volume}. Either marks the window as failing the gate, so heavier checks skip it.
 */
final class VolumeCheck {
  static final String MISSING = "missing_window";
  static final String NAME = "volume";
  private static final double MIN_BASELINE_ROWS = 10;

  void run(CheckContext ctx, MetricHistory history, MetricSpec metric, String countColumn, SortedSet<Long> windows,
           String table) {
    ChecksSpec.Volume cfg = ctx.spec().checks().volume();
    NavigableMap<Long, Double> totals = history.total(metric.name(), countColumn);
    long size = metric.grain().size().toMillis();
    long start = MetricHistory.establishedStart(totals);
    int passed = 0;
    int unjudged = 0;
    for (long w : windows) {
      if (w < start) {
        unjudged++;
        continue;
      }
      List<Long> slots = SeasonalBaseline.slots(w, start);
      if (slots.isEmpty()) {
        unjudged++;
        continue;
      }
      double expected = SeasonalBaseline.median(slots, s -> totals.getOrDefault(s, 0.0));
      double observed = totals.getOrDefault(w, 0.0);
      double lower = expected * (1 - cfg.maxDrop());
      double upper = expected / (1 - cfg.maxDrop()) * 2;
      CheckResult.Finding f = CheckResult.of(observed == 0 ? MISSING : NAME, CheckResult.COMPLETENESS, table)
          .window(w, w + size).series(metric.name(), null).partition("dt=" + Windows.day(w))
          .values(observed, expected, lower, upper);
      String when = Windows.describe(w, size);
      if (expected >= MIN_BASELINE_ROWS && observed < lower) {
        ctx.failGate(w, w + size);
        f.score(Math.min(1, 1 - observed / expected));
        if (observed == 0) {
          ctx.emit(f, Severity.CRITICAL, "failed", "no rows in " + when + " where the same slot of the last "
              + slots.size() + " " + unit(slots) + " had a median of " + Windows.number(expected));
        } else {
          ctx.emit(f, Severity.CRITICAL, "failed", Windows.number(observed) + " rows in " + when + ", "
              + Math.round(100 * (1 - observed / expected)) + "% below the median " + Windows.number(expected)
              + " of the same slot in the last " + slots.size() + " " + unit(slots));
        }
      } else if (expected >= MIN_BASELINE_ROWS && observed > upper) {
        ctx.emit(f.score(Math.min(1, observed / upper - 1)), Severity.WARN, "failed", Windows.number(observed)
            + " rows in " + when + ", " + Windows.number(observed / expected) + "x the usual "
            + Windows.number(expected) + ": a surge, or data delivered twice?");
      } else {
        passed++;
      }
    }
    ctx.pass(CheckResult.of(NAME, CheckResult.COMPLETENESS, table).series(metric.name(), null),
        passed + " of " + windows.size() + " windows within their seasonal baseline" + (unjudged > 0
            ? "; " + unjudged + " not judged yet (less than 3 days of history)" : ""));
  }

  private static String unit(List<Long> slots) {
    return slots.size() > 1 && slots.get(0) - slots.get(1) > SeasonalBaseline.DAY ? "weeks" : "days";
  }
}
