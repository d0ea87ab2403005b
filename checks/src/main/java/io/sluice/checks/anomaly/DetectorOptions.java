package io.sluice.checks.anomaly;

/**
 * Settings of a {@link SeriesDetector}. Defaults come from tuning on labelled benchmark series and
 * suit metric windows from 5 minutes to a day.
 *
 * @param sensitivity in (0, 1]: higher flags more points; 0.5 is the documented default
 * @param stepMillis spacing of the series, or 0 to infer it from the first timestamps
 * @param warmup points seen before the detector scores at all
 * @param suppress points after a flagged point during which only a stronger deviation scores high,
 *     so one incident yields one alert rather than one per point; 0 picks half a day of points
 * @param counts the values are event counts: their noise is at least Poisson, so a residual is never
 *     judged against less than the square root of the forecast
 */
public record DetectorOptions(double sensitivity, long stepMillis, int warmup, int suppress, boolean counts) {
  public DetectorOptions {
    if (!(sensitivity > 0 && sensitivity <= 1)) {
      throw new IllegalArgumentException("sensitivity must be in (0, 1], got " + sensitivity);
    }
    if (stepMillis < 0 || warmup < 2 || suppress < 0) {
      throw new IllegalArgumentException("step, warmup and suppress must be non-negative (warmup >= 2)");
    }
  }

  public static DetectorOptions defaults() {
    return new DetectorOptions(0.5, 0, 12, 0, false);
  }

  public DetectorOptions withSensitivity(double s) {
    return new DetectorOptions(s, stepMillis, warmup, suppress, counts);
  }

  public DetectorOptions withStepMillis(long step) {
    return new DetectorOptions(sensitivity, step, warmup, suppress, counts);
  }

  public DetectorOptions withSuppress(int points) {
    return new DetectorOptions(sensitivity, stepMillis, warmup, points, counts);
  }

  public DetectorOptions withCounts(boolean c) {
    return new DetectorOptions(sensitivity, stepMillis, warmup, suppress, c);
  }

  /**
   * The score at or above which a point is flagged. Sensitivity 0.5 maps to a two-sided tail
   * probability of about 1e-4 under the model; each 0.1 of sensitivity moves it by about a decade.
   */
  public double alertThreshold() {
    double log10Tail = -4 - (0.5 - sensitivity) * 10;
    return 1 - Math.pow(10, log10Tail);
  }
}
