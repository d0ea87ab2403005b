package io.sluice.checks;

import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.MetricSpec;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;

/**
 * Completeness by segment: a dimension value that usually carries a share of a metric's rows and
 * has vanished or collapsed in a window, even when the total looks normal (all Android events gone).
 */
final class SegmentCheck {
  static final String NAME = "segment";

  void run(CheckContext ctx, MetricHistory history, MetricSpec metric, String countColumn, SortedSet<Long> windows,
           String table) {
    ChecksSpec.Segments cfg = ctx.spec().checks().segments();
    NavigableMap<Long, Double> totals = history.total(metric.name(), countColumn);
    if (totals.isEmpty()) {
      return;
    }
    long size = metric.grain().size().toMillis();
    long start = MetricHistory.establishedStart(totals);
    int judged = 0;
    int failed = 0;
    int skipped = 0;
    for (long w : windows) {
      if (ctx.gateFailed(w, w + size)) {
        skipped++;
        ctx.skip(NAME, CheckResult.COMPLETENESS, table, metric.name(), w, w + size);
        continue;
      }
      List<Long> slots = SeasonalBaseline.slots(w, start);
      double total = totals.getOrDefault(w, 0.0);
      if (slots.isEmpty() || total == 0) {
        continue;
      }
      for (String dims : history.dims(metric.name())) {
        Map<Long, Map<String, Object>> s = history.series(metric.name(), dims);
        double usualRows = SeasonalBaseline.median(slots, t -> count(s.get(t), countColumn));
        if (usualRows < cfg.minBaselineRows()) {
          continue;
        }
        double usualShare = SeasonalBaseline.median(slots, t -> {
          double tot = totals.getOrDefault(t, 0.0);
          return tot == 0 ? 0 : count(s.get(t), countColumn) / tot;
        });
        double rows = count(s.get(w), countColumn);
        double share = rows / total;
        judged++;
        double lower = usualShare * cfg.minShareRatio();
        CheckResult.Finding f = CheckResult.of(NAME, CheckResult.COMPLETENESS, table).window(w, w + size)
            .series(metric.name(), dims).partition("dt=" + Windows.day(w))
            .values(share, usualShare, lower, Double.NaN).score(Math.min(1, Math.max(0, 1 - share / usualShare)));
        String when = Windows.describe(w, size);
        // Small segments fluctuate: only a share the binomial model makes very unlikely counts.
        double p = new BinomialDistribution(null, (int) total, Math.min(1, usualShare)).cumulativeProbability((int) rows);
        if (p > 1e-4) {
          continue;
        }
        if (rows == 0) {
          failed++;
          ctx.emit(f, Severity.CRITICAL, "failed", "segment " + dims + " of " + metric.name() + " vanished in " + when
              + ": 0 rows where it usually has " + Windows.number(usualRows) + " (" + Windows.percent(usualShare)
              + " of the total, which is " + Windows.number(total) + " rows now)");
        } else if (share < lower) {
          failed++;
          ctx.emit(f, Severity.CRITICAL, "failed", "segment " + dims + " of " + metric.name() + " collapsed in "
              + when + ": " + Windows.percent(share) + " of rows (" + Windows.number(rows) + ") where it usually has "
              + Windows.percent(usualShare) + " (" + Windows.number(usualRows) + ")");
        } else if (share < (lower + usualShare) / 2) {
          failed++;
          ctx.emit(f, Severity.WARN, "failed", "segment " + dims + " of " + metric.name() + " is low in " + when
              + ": " + Windows.percent(share) + " of rows where it usually has " + Windows.percent(usualShare));
        }
      }
    }
    String skippedNote = skipped > 0 ? "; " + skipped + " windows skipped because they failed the volume gate" : "";
    if (judged > 0 || skipped > 0) {
      ctx.pass(CheckResult.of(NAME, CheckResult.COMPLETENESS, table).series(metric.name(), null),
          (judged - failed) + " of " + judged + " segment-windows at their usual share" + skippedNote);
    }
  }

  private static double count(Map<String, Object> row, String column) {
    return row == null || !(row.get(column) instanceof Number n) ? 0 : n.doubleValue();
  }
}
