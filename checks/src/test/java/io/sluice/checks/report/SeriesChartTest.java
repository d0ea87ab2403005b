package io.sluice.checks.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checks.anomaly.PointScore;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** A series chart draws the finite points and skips missing or infinite ones instead of failing. */
class SeriesChartTest {

  @Test
  void skipsNanAndInfiniteValuesAndStillDrawsTheRest() throws Exception {
    List<PointScore> points = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 24; i++) {
      double v = switch (i) {
        case 5 -> Double.NaN;
        case 9 -> Double.POSITIVE_INFINITY;
        case 13 -> Double.NEGATIVE_INFINITY;
        default -> 100 + i;
      };
      points.add(new PointScore(t0 + i * 3_600_000L, v, 100 + i, 90 + i, i == 7 ? Double.POSITIVE_INFINITY : 110 + i,
          0.1, false, "mad", false, PointScore.VALUE));
    }
    String png = SeriesChart.png("orders", "count", points, Set.of(t0 + 9 * 3_600_000L), Set.of(t0), 640, 320);
    assertThat(png).isNotNull();
    var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png)));
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(320);

    List<PointScore> none = List.of(new PointScore(t0, Double.POSITIVE_INFINITY, 1, 0, 2, 0, false, "mad", false, null));
    assertThat(SeriesChart.png("orders", "count", none, Set.of(), Set.of(), 640, 320)).isNull();
  }
}
