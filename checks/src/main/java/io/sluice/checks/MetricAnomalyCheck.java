package io.sluice.checks;

import io.sluice.checks.anomaly.DetectorOptions;
import io.sluice.checks.anomaly.PointScore;
import io.sluice.checks.anomaly.SeriesDetector;
import io.sluice.core.spec.ChecksSpec;
import io.sluice.core.spec.Measure;
import io.sluice.core.spec.MetricSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;

/**
 * Anomaly detection on every (metric, dims, measure) series that has a changed complete window. Each
 * series is scored causally by a {@link SeriesDetector} over its history, and the changed windows'
 * scores become findings: critical at the configured sensitivity, warn somewhat below it.
 */
public final class MetricAnomalyCheck {
  static final String NAME = "metric_anomaly";

  /** The scored series, kept for the report. */
  public record ScoredSeries(String metric, String dims, String measure, List<PointScore> points) {}

  private final List<ScoredSeries> scored = new ArrayList<>();

  List<ScoredSeries> scored() {
    return scored;
  }

  /**
   * Scores one measure of one series causally from its first window through {@code last}, stopping at
   * the first incomplete window. Missing windows are zero for counts and sums, and unknown otherwise.
   */
  public static List<PointScore> score(NavigableMap<Long, Map<String, Object>> rows, Measure m, long size, long last,
                                       DetectorOptions options) {
    return score(rows, m, size, rows.firstKey(), last, new SeriesDetector(options.withCounts(m.kind().integral)),
        Long.MIN_VALUE, new DetectorStateStore.Entry[1]);
  }

  /**
   * Feeds {@code d} the windows {@code from..last} of the series. When it passes window
   * {@code snapshotAt} it saves its state into {@code snapshot[0]}: the point a later run can replay
   * from, late enough that late data rarely reaches before it.
   */
  static List<PointScore> score(NavigableMap<Long, Map<String, Object>> rows, Measure m, long size, long from, long last,
                                SeriesDetector d, long snapshotAt, DetectorStateStore.Entry[] snapshot) {
    boolean zeroWhenEmpty = m.kind().integral || m.kind() == Measure.Kind.SUM;
    List<PointScore> points = new ArrayList<>();
    for (long w = from; w <= last; w += size) {
      Map<String, Object> row = rows.get(w);
      if (row != null && !Boolean.TRUE.equals(row.get("is_complete"))) {
        break;
      }
      Object v = row == null ? null : row.get(m.column());
      double value = v instanceof Number n ? n.doubleValue() : zeroWhenEmpty && row == null ? 0 : Double.NaN;
      points.add(d.update(w, value));
      if (w == snapshotAt) {
        snapshot[0] = new DetectorStateStore.Entry(w, d.save());
      }
    }
    return points;
  }

  /**
   * Scores the series of {@code metric} with a changed window. A series whose saved detector stopped
   * before the first changed window continues from it; others (new series, or late data changing a
   * window the saved detector already passed) are refit over the loaded history. {@code saved} is
   * updated in place.
   */
  void run(CheckContext ctx, MetricHistory history, MetricSpec metric, SortedSet<Long> windows, String table,
           Map<String, DetectorStateStore.Entry> saved) {
    ChecksSpec.Anomaly cfg = ctx.spec().checks().anomaly();
    long size = metric.grain().size().toMillis();
    DetectorOptions critical = DetectorOptions.defaults().withSensitivity(cfg.sensitivity()).withStepMillis(size);
    double warnThreshold = critical.withSensitivity(Math.min(1, cfg.sensitivity() + 0.05)).alertThreshold();
    List<Measure> measures = metric.parsedMeasures().stream()
        .filter(m -> cfg.measures().isEmpty() || cfg.measures().contains(m.column())).toList();
    int series = 0;
    int resumed = 0;
    int flagged = 0;
    int skipped = 0;
    for (long w : windows) {
      if (ctx.gateFailed(w, w + size)) {
        skipped++;
        ctx.skip(NAME, CheckResult.ANOMALY, table, metric.name(), w, w + size);
      }
    }
    for (String dims : history.dims(metric.name())) {
      NavigableMap<Long, Map<String, Object>> rows = history.series(metric.name(), dims);
      if (rows.isEmpty() || windows.subSet(rows.firstKey(), Long.MAX_VALUE).isEmpty()) {
        continue;
      }
      long last = windows.last();
      for (Measure m : measures) {
        series++;
        String key = dims + "\u0001" + m.column();
        DetectorStateStore.Entry e = saved.get(key);
        DetectorOptions opts = critical.withCounts(m.kind().integral);
        long snapshotAt = metric.grain().windowStart(last - cfg.replay().toMillis());
        DetectorStateStore.Entry[] snapshot = new DetectorStateStore.Entry[1];
        List<PointScore> points;
        if (e != null && e.lastWindow() < windows.first() && e.lastWindow() + size >= rows.firstKey()) {
          points = score(rows, m, size, e.lastWindow() + size, last, SeriesDetector.restore(opts, e.state()),
              snapshotAt, snapshot);
          resumed++;
        } else {
          points = score(rows, m, size, rows.firstKey(), last, new SeriesDetector(opts), snapshotAt, snapshot);
        }
        if (snapshot[0] != null) {
          saved.put(key, snapshot[0]);
        }
        for (PointScore p : points) {
          long w = p.timestamp();
          double value = p.value();
          if (!windows.contains(w) || ctx.gateFailed(w, w + size) || Double.isNaN(value)) {
            continue;
          }
          Severity s = p.anomaly() ? Severity.CRITICAL : p.score() >= warnThreshold ? Severity.WARN : Severity.OK;
          // A handful of events either way is not worth a person's attention, however rare.
          boolean trivial = m.kind().integral && Math.abs(value - p.expected()) < Math.max(5, 3 * Math.sqrt(Math.abs(p.expected()) + 1));
          if (s == Severity.OK || trivial) {
            continue;
          }
          flagged++;
          CheckResult.Finding f = CheckResult.of(NAME, CheckResult.ANOMALY, table).window(w, w + size)
              .series(metric.name(), dims).column(m.column()).partition("dt=" + Windows.day(w))
              .values(value, p.expected(), p.lower(), p.upper()).score(p.score());
          ctx.emit(f, s, "failed", metric.name() + "." + m.column() + (dims.isEmpty() ? "" : " [" + dims + "]")
              + " = " + Windows.number(value) + " in " + Windows.describe(w, size) + ", expected "
              + Windows.number(p.expected()) + " (normal " + Windows.number(p.lower()) + " to "
              + Windows.number(p.upper()) + ", model " + p.model() + ", score " + String.format("%.4f", p.score())
              + ")" + (p.changePoint() ? "; the series has shifted to a new level" : "") + why(p));
        }
        scored.add(new ScoredSeries(metric.name(), dims, m.column(), points));
      }
    }
    ctx.pass(CheckResult.of(NAME, CheckResult.ANOMALY, table).series(metric.name(), null),
        series + " series scored (" + resumed + " continued from saved state, " + (series - resumed)
            + " refit over history), " + flagged + " windows flagged" + (skipped > 0 ? ", " + skipped
            + " windows skipped (failed the completeness gate)" : ""));
  }

  /** Why a point inside its normal band was flagged, so the band in the message does not read as a contradiction. */
  static String why(PointScore p) {
    if (!p.insideBand() || p.signal() == null) {
      return "";
    }
    return switch (p.signal()) {
      case PointScore.SHAPE -> "; the value is inside the band, but the shape of the last points is unlike the recent past";
      case PointScore.SUSTAINED -> "; the value is inside the band, but the series has deviated for several points in a row";
      case PointScore.SPREAD -> "; the value is inside the band, but the last points together are far more volatile than usual";
      default -> "; the value is inside the band, which is drawn where a single point turns critical: this deviation is rare"
          + " enough for a warning only";
    };
  }
}
