package io.sluice.checks.anomaly;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

/**
 * How unlike the recent past the latest few points are as a shape: the distance from the last
 * {@value #EMBED} values to their {@value #NEIGHBOURS} nearest neighbours among the windows of the
 * previous {@value #REFERENCE} points, ranked conformally against earlier such distances. Forecast
 * residuals miss a changed pattern whose points each stay within the usual band; the shape does not.
 * It stays silent (p-value 1) until {@value #REFERENCE} points of history and {@value #CALIBRATION}
 * distances exist, so every distance it ranks came from a reference set of the same size.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class PatternNovelty {
  static final int EMBED = 6;
  static final int NEIGHBOURS = 3;
  static final int REFERENCE = 600;
  /** Distances ranked before any p-value is given, so the first ones do not look like records. */
  static final int CALIBRATION = 100;
  /** Distances averaged into the unit that makes them scale-free; frozen afterwards, so a slow drift in noise still ranks. */
  static final int UNIT_SAMPLE = 50;

  /**
   * Shape distances start late and are ranked against a thin calibration set, so a record among them
   * earns its full weight more slowly than a forecast residual's (NAB dev: 112 false positives to 103).
   */
  static final double RECORD_PRIOR = 150;

  /** Points between exact recomputations of the slid distances, which bounds rounding drift. */
  static final int EXACT_EVERY = 1024;

  private final ResidualRanks ranks;
  /** squared[lag]: squared distance between the newest window and the one ending lag points earlier. */
  private double[] squared;
  private int sinceExact;
  private double unit;
  private long seen;

  PatternNovelty(int rankMemory) {
    this.ranks = new ResidualRanks(rankMemory, RECORD_PRIOR);
  }

  private PatternNovelty() {
    this.ranks = null;   // set by Jackson
  }

  /** Points of history needed, the current point excluded. */
  static int historyNeeded() {
    return REFERENCE + EMBED;
  }

  /**
   * Ranks the window that ends with {@code value} and learns its distance. {@code past} holds the
   * {@link #historyNeeded()} points before it, oldest first. Must be called for every point learned
   * once that much history exists: the distances are kept up to date point by point.
   */
  double pValue(double[] past, double value) {
    int n = past.length;
    if (squared == null || sinceExact >= EXACT_EVERY) {
      squared = new double[REFERENCE + 1];
      for (int lag = 1; lag <= REFERENCE; lag++) {
        double d = sq(value - past[n - lag]);
        for (int j = 1; j < EMBED; j++) {
          d += sq(past[n - j] - past[n - j - lag]);
        }
        squared[lag] = d;
      }
      sinceExact = 0;
    } else {
      // slide every window pair by one point: the newest pair enters, the oldest leaves
      double leaving = past[n - EMBED];
      for (int lag = 1; lag <= REFERENCE; lag++) {
        squared[lag] += sq(value - past[n - lag]) - sq(leaving - past[n - EMBED - lag]);
      }
      sinceExact++;
    }
    double[] nearest = new double[NEIGHBOURS];
    java.util.Arrays.fill(nearest, Double.MAX_VALUE);
    for (int lag = 1; lag <= REFERENCE; lag++) {
      double d = squared[lag];
      if (d < nearest[NEIGHBOURS - 1]) {
        int i = NEIGHBOURS - 1;
        while (i > 0 && nearest[i - 1] > d) {
          nearest[i] = nearest[i - 1];
          i--;
        }
        nearest[i] = d;
      }
    }
    double distance = 0;
    for (double d : nearest) {
      distance += Math.sqrt(Math.max(0, d));
    }
    if (seen < UNIT_SAMPLE) {
      seen++;
      unit += (distance - unit) / seen;
    }
    double scaled = unit > 0 ? distance / unit : 0;
    double p = ranks.count >= CALIBRATION ? ranks.pValue(scaled) : 1;
    ranks.add(scaled);
    return p;
  }

  private static double sq(double x) {
    return x * x;
  }
}
