package io.sluice.checks.anomaly;

/**
 * The detector's verdict on one point, computed from earlier points only.
 *
 * @param expected the chosen model's forecast for this point (NaN during warm-up)
 * @param lower lower bound of the band the detector considers normal at its alert threshold
 * @param upper upper bound of that band
 * @param score anomaly score in [0, 1]; 0 during warm-up
 * @param anomaly whether the score reached the alert threshold for the configured sensitivity
 * @param model the model the detector trusted for this point (its best backtest so far)
 * @param changePoint whether this point confirmed a level shift, after which the detector re-learns
 * @param signal the test that drove the score: {@link #VALUE} (the point's distance from the
 *     forecast), {@link #SHAPE} (the last points' shape, unlike the recent past) or
 *     {@link #SUSTAINED} (deviations over several points in a row) or {@link #SPREAD} (the last points
 *     jointly more volatile than usual); null during warm-up
 */
public record PointScore(long timestamp, double value, double expected, double lower, double upper,
                         double score, boolean anomaly, String model, boolean changePoint, String signal) {
  public static final String VALUE = "value";
  public static final String SHAPE = "shape";
  public static final String SUSTAINED = "sustained";
  public static final String SPREAD = "spread";

  /** True when the value lies inside the normal band: its score comes from its shape, persistence or a weak deviation. */
  public boolean insideBand() {
    return value >= lower && value <= upper;
  }
}
