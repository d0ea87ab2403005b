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
 */
public record PointScore(long timestamp, double value, double expected, double lower, double upper,
                         double score, boolean anomaly, String model, boolean changePoint) {}
