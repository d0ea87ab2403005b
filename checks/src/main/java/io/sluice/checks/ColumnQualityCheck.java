package io.sluice.checks;

import io.sluice.core.spec.ChecksSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * Per-column data quality of the records that changed, one event day at a time, against the daily
 * profiles of the history: null and zero rates (binomial tail, and "none before, some now"), unit
 * changes (the median moving by a large factor), distribution shift (two-sample Kolmogorov-Smirnov
 * with a PSI for context) and values outside the historical range.
 */
final class ColumnQualityCheck {
  static final String NULL_RATE = "null_rate";
  static final String ZERO_RATE = "zero_rate";
  static final String UNIT_CHANGE = "unit_change";
  static final String DISTRIBUTION = "distribution_shift";
  static final String RANGE = "value_range";
  private static final double[][] KNOWN_FACTORS = {{1000, 0}, {60, 1}, {3600, 2}, {100, 3}, {1024, 4}, {1e6, 5}};
  private static final String[] FACTOR_NAMES = {"seconds↔milliseconds or units↔thousands", "minutes↔seconds",
      "hours↔seconds", "fraction↔percent or currency units↔cents", "bytes↔KiB", "units↔millions or seconds↔microseconds"};

  private int judged;
  private int failed;

  /** Checks one day's changed records ({@code current}, per column) against {@code baseline}. */
  void run(CheckContext ctx, String table, String day, Map<String, ColumnProfile> current,
           Map<String, ColumnProfile> baseline) {
    ChecksSpec.Quality cfg = ctx.spec().checks().quality();
    for (Map.Entry<String, ColumnProfile> e : current.entrySet()) {
      String col = e.getKey();
      ColumnProfile c = e.getValue();
      ColumnProfile b = baseline.get(col);
      if (c.rows < cfg.minRows() || b == null || b.rows < 5L * cfg.minRows()) {
        continue;
      }
      judged++;
      rate(ctx, table, day, col, NULL_RATE, "null", c.nulls, c.rows, b.nulls, b.rows);
      if (c.numeric >= cfg.minRows() && b.numeric >= 5L * cfg.minRows()) {
        rate(ctx, table, day, col, ZERO_RATE, "zero", c.zeros, c.numeric, b.zeros, b.numeric);
        if (!unitChange(ctx, table, day, col, c, b, cfg)) {
          shift(ctx, table, day, col, c, b, cfg);
        }
      }
    }
  }

  void summarize(CheckContext ctx, String table) {
    if (judged > 0) {
      ctx.pass(CheckResult.of("column_quality", CheckResult.QUALITY, table),
          judged + " column-days profiled, " + failed + " findings");
    }
  }

  private void rate(CheckContext ctx, String table, String day, String col, String check, String what, long hits,
                    long n, long baseHits, long baseN) {
    double observed = (double) hits / n;
    double p0 = (baseHits + 0.5) / (baseN + 1.0);
    BinomialDistribution binom = new BinomialDistribution(null, (int) Math.min(n, Integer.MAX_VALUE), p0);
    double pValue = hits == 0 ? 1 : 1 - binom.cumulativeProbability((int) hits - 1);
    double upper = (binom.inverseCumulativeProbability(1 - 1e-6) + 1.0) / n;
    CheckResult.Finding f = CheckResult.of(check, CheckResult.QUALITY, table).column(col).partition("dt=" + day)
        .values(observed, (double) baseHits / baseN, 0, upper).score(Math.min(1, -Math.log10(Math.max(pValue, 1e-300)) / 20));
    String rateNow = Windows.percent(observed) + " " + what + "s (" + Windows.number(hits) + " of " + Windows.number(n) + ")";
    if (baseHits == 0 && baseN >= 1000 && hits >= Math.max(3, 0.002 * n)) {
      failed++;
      ctx.emit(f, Severity.CRITICAL, "failed", col + " had no " + what + "s in " + Windows.number(baseN)
          + " earlier rows; the changed rows of " + day + " have " + rateNow);
    } else if (pValue < 1e-9 && observed > 2 * p0 + 0.01) {
      failed++;
      ctx.emit(f, Severity.CRITICAL, "failed", col + ": " + rateNow + " on " + day + " against "
          + Windows.percent(p0) + " usually (binomial p = " + String.format("%.1e", pValue) + ")");
    } else if (pValue < 1e-6 && observed > 1.5 * p0 + 0.005) {
      failed++;
      ctx.emit(f, Severity.WARN, "failed", col + ": " + rateNow + " on " + day + " against "
          + Windows.percent(p0) + " usually (binomial p = " + String.format("%.1e", pValue) + ")");
    }
  }

  private boolean unitChange(CheckContext ctx, String table, String day, String col, ColumnProfile c, ColumnProfile b,
                             ChecksSpec.Quality cfg) {
    double mc = median(c.sample);
    double mb = median(b.sample);
    if (mc == 0 || mb == 0 || Math.signum(mc) != Math.signum(mb)) {
      return false;
    }
    double ratio = mc / mb;
    double factor = Math.max(ratio, 1 / ratio);
    if (factor < cfg.unitChangeRatio()) {
      return false;
    }
    String likely = "";
    for (double[] k : KNOWN_FACTORS) {
      if (Math.abs(Math.log(factor / k[0])) < Math.log(1.25)) {
        likely = "; likely " + FACTOR_NAMES[(int) k[1]];
        break;
      }
    }
    failed++;
    ctx.emit(CheckResult.of(UNIT_CHANGE, CheckResult.QUALITY, table).column(col).partition("dt=" + day)
            .values(mc, mb, mb / cfg.unitChangeRatio(), mb * cfg.unitChangeRatio()).score(1.0),
        Severity.CRITICAL, "failed", col + ": median " + Windows.number(mc) + " on " + day + " against "
            + Windows.number(mb) + " before (" + (ratio > 1 ? "×" : "÷") + Windows.number(factor) + ")" + likely);
    return true;
  }

  private void shift(CheckContext ctx, String table, String day, String col, ColumnProfile c, ColumnProfile b,
                     ChecksSpec.Quality cfg) {
    double[] x = c.sample;
    double[] y = b.sample;
    if (x.length < 50 || y.length < 50) {
      return;
    }
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    double d = ks.kolmogorovSmirnovStatistic(x, y);
    double p = d < cfg.minKsDistance() ? 1 : ks.kolmogorovSmirnovTest(x, y, false);
    double psi = psi(y, x);
    if (d >= cfg.minKsDistance() && p <= cfg.maxKsPValue()) {
      failed++;
      ctx.emit(CheckResult.of(DISTRIBUTION, CheckResult.QUALITY, table).column(col).partition("dt=" + day)
              .values(d, 0, 0, cfg.minKsDistance()).score(Math.min(1, d)),
          d >= 2 * cfg.minKsDistance() ? Severity.CRITICAL : Severity.WARN, "failed",
          col + ": distribution on " + day + " differs from history (KS D = " + String.format("%.3f", d)
              + ", p = " + String.format("%.1e", p) + ", PSI = " + String.format("%.2f", psi) + "; median "
              + Windows.number(median(x)) + " vs " + Windows.number(median(y)) + ")");
      return;
    }
    Percentile pct = new Percentile();
    double lo = pct.evaluate(y, 0.1);
    double hi = pct.evaluate(y, 99.9);
    double margin = 0.1 * (hi - lo);
    long outside = Arrays.stream(x).filter(v -> v < lo - margin || v > hi + margin).count();
    double share = (double) outside / x.length;
    if (outside >= 5 && share > 0.01) {
      failed++;
      ctx.emit(CheckResult.of(RANGE, CheckResult.QUALITY, table).column(col).partition("dt=" + day)
              .values(share, 0.002, lo - margin, hi + margin).score(Math.min(1, share * 10)),
          share > 0.1 ? Severity.CRITICAL : Severity.WARN, "failed", col + ": " + Windows.percent(share)
              + " of sampled values on " + day + " lie outside the historical range " + Windows.number(lo - margin)
              + " to " + Windows.number(hi + margin));
    }
  }

  /** Population stability index over the baseline's deciles. */
  static double psi(double[] baseline, double[] current) {
    double[] sorted = baseline.clone();
    Arrays.sort(sorted);
    double[] edges = new double[9];
    for (int i = 1; i <= 9; i++) {
      edges[i - 1] = sorted[Math.min(sorted.length - 1, i * sorted.length / 10)];
    }
    double[] pb = histogram(baseline, edges);
    double[] pc = histogram(current, edges);
    double psi = 0;
    for (int i = 0; i < pb.length; i++) {
      double a = Math.max(pc[i], 1e-4);
      double e = Math.max(pb[i], 1e-4);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  private static double[] histogram(double[] v, double[] edges) {
    double[] h = new double[edges.length + 1];
    for (double x : v) {
      int i = Arrays.binarySearch(edges, x);
      h[i >= 0 ? i : -i - 1] += 1.0 / v.length;
    }
    return h;
  }

  private static double median(double[] v) {
    return v.length == 0 ? 0 : new Percentile().evaluate(v, 50);
  }

  /** A deterministic random stream per (day, column), so reruns sample alike. */
  static SplittableRandom random(String day, String column) {
    return new SplittableRandom(((long) day.hashCode() << 32) ^ column.hashCode());
  }
}
