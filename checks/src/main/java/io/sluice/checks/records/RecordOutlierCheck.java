package io.sluice.checks.records;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.checks.CheckContext;
import io.sluice.checks.CheckResult;
import io.sluice.checks.Severity;
import io.sluice.checks.Windows;
import io.sluice.core.spec.ChecksSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Record-level outliers among the changed events: each run scores them with the model as of the
 * last run, then the model learns them. Records at or above the threshold become one finding per
 * event-time hour, naming the top records' keys and the columns that isolated them.
 */
public final class RecordOutlierCheck {
  public static final String CHECK = "record_outliers";
  static final long WINDOW = 3_600_000L;
  /** Histogram bins of the score distribution kept for reports. */
  static final int BINS = 20;

  /** What a run saw, for reports: the score histogram over [0, 1] and the top records. */
  public record Summary(@JsonProperty("run_id") String runId, @JsonProperty("scored") long scored,
                        @JsonProperty("flagged") long flagged, @JsonProperty("threshold") double threshold,
                        @JsonProperty("histogram") long[] histogram,
                        @JsonProperty("top") List<RecordBatch.Scored> top) {}

  private final ChecksSpec.Records cfg;

  public RecordOutlierCheck(ChecksSpec.Records cfg) {
    this.cfg = cfg;
  }

  /** Judges {@code scored} (highest first, from {@link RecordBatch#scoreThenLearn}) and returns the run's summary. */
  public Summary judge(CheckContext ctx, String table, RecordModel model, List<RecordBatch.Scored> scored) {
    if (scored.isEmpty()) {
      return null;
    }
    long[] hist = new long[BINS];
    scored.forEach(s -> hist[Math.min(BINS - 1, (int) (s.score() * BINS))]++);
    List<RecordBatch.Scored> flagged = scored.stream().filter(s -> s.score() >= cfg.threshold()).toList();
    Map<Long, List<RecordBatch.Scored>> byWindow = new TreeMap<>();
    flagged.forEach(s -> byWindow.computeIfAbsent(Math.floorDiv(s.eventTime(), WINDOW) * WINDOW,
        k -> new ArrayList<>()).add(s));
    Map<Long, double[]> medians = medianPerWindow(scored, byWindow.keySet());
    byWindow.forEach((w, rs) -> {
      RecordBatch.Scored worst = rs.get(0);
      Severity sev = worst.score() >= cfg.critical() ? Severity.CRITICAL : Severity.WARN;
      String tops = rs.stream().limit(cfg.top()).map(RecordOutlierCheck::describe).collect(Collectors.joining("; "));
      ctx.emit(CheckResult.of(CHECK, CheckResult.ANOMALY, table).window(w, w + WINDOW)
              .partition("dt=" + Windows.day(w)).values(worst.score(), medians.get(w)[0], 0, cfg.threshold())
              .score(worst.score()), sev, "failed",
          rs.size() + " of " + (long) medians.get(w)[1] + " changed records in " + Windows.describe(w, WINDOW)
              + " score at least " + cfg.threshold() + " (typical " + fmt(medians.get(w)[0]) + "): " + tops);
    });
    String state = model.ready() ? "" : "; the model is still warming up, so scores start once it holds "
        + cfg.sampleSize() / 4 + " records";
    ctx.pass(CheckResult.of(CHECK, CheckResult.ANOMALY, table).values(flagged.size(), 0, 0, 0), scored.size()
        + " changed records scored, " + flagged.size() + " at or above " + cfg.threshold() + " in " + byWindow.size()
        + " windows; the model has learnt " + model.updates() + " records" + state);
    return new Summary(ctx.runId(), scored.size(), flagged.size(), cfg.threshold(), hist,
        scored.subList(0, Math.min(scored.size(), Math.max(cfg.top(), 20))).stream().map(RecordOutlierCheck::plain)
            .toList());
  }

  /** The record with only its user fields, as plain JSON-friendly values, for the stored summary. */
  private static RecordBatch.Scored plain(RecordBatch.Scored s) {
    Map<String, Object> v = new java.util.LinkedHashMap<>();
    s.values().forEach((k, x) -> {
      if (!k.startsWith("_hoodie") && !k.startsWith("_")) {
        v.put(k, x == null || x instanceof Number || x instanceof Boolean || x instanceof String ? x : x.toString());
      }
    });
    return new RecordBatch.Scored(s.key(), s.eventTime(), s.score(), s.why(), v);
  }

  /** Per window: the median score and the number of records scored. */
  private static Map<Long, double[]> medianPerWindow(List<RecordBatch.Scored> all, java.util.Set<Long> windows) {
    Map<Long, List<Double>> per = new TreeMap<>();
    for (RecordBatch.Scored s : all) {
      long w = Math.floorDiv(s.eventTime(), WINDOW) * WINDOW;
      if (windows.contains(w)) {
        per.computeIfAbsent(w, k -> new ArrayList<>()).add(s.score());
      }
    }
    Map<Long, double[]> out = new TreeMap<>();
    per.forEach((w, xs) -> {
      xs.sort(null);
      out.put(w, new double[] {xs.get(xs.size() / 2), xs.size()});
    });
    return out;
  }

  /** {@code key (0.93: amount=5200000.0 61%, value combination 20%)}. */
  static String describe(RecordBatch.Scored s) {
    StringBuilder b = new StringBuilder(s.key()).append(" (").append(fmt(s.score()));
    String sep = ": ";
    for (Map.Entry<String, Double> e : s.why().entrySet().stream().limit(3).toList()) {
      b.append(sep).append(e.getKey());
      if (s.values().containsKey(e.getKey())) {
        b.append('=').append(s.values().get(e.getKey()));
      }
      b.append(' ').append(Math.round(100 * e.getValue())).append('%');
      sep = ", ";
    }
    return b.append(')').toString();
  }

  private static String fmt(double d) {
    return String.format(java.util.Locale.ROOT, "%.2f", d);
  }
}
