package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checks.anomaly.PointScore;
import org.junit.jupiter.api.Test;

/** A finding whose value sits inside its normal band says what raised it instead. */
class MetricAnomalyCheckWhyTest {
  private static PointScore point(double value, String signal) {
    return new PointScore(0, value, 83, 45.25, 121, 0.9997, false, "seasonal_daily", false, signal);
  }

  @Test
  void explainsOnlyPointsInsideTheirBand() {
    assertThat(MetricAnomalyCheck.why(point(200, PointScore.VALUE))).isEmpty();
    assertThat(MetricAnomalyCheck.why(point(20, PointScore.SHAPE))).isEmpty();
    assertThat(MetricAnomalyCheck.why(point(53, PointScore.SHAPE))).contains("inside the band").contains("shape");
    assertThat(MetricAnomalyCheck.why(point(53, PointScore.SUSTAINED))).contains("several points in a row");
    assertThat(MetricAnomalyCheck.why(point(53, PointScore.VALUE))).contains("warning only");
    assertThat(MetricAnomalyCheck.why(point(53, null))).isEmpty();
  }
}
