package io.sluice.checks.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatternNoveltyTest {
  private static final int CLEAN = 2000;

  /** A noisy sine of period 24; from CLEAN on it runs at twice the frequency, never leaving its usual range. */
  private static double[] series(double scale) {
    Random rnd = new Random(11);
    double[] v = new double[CLEAN + 40];
    for (int i = 0; i < v.length; i++) {
      double period = i < CLEAN ? 24 : 12;
      v[i] = scale * (10 * Math.sin(2 * Math.PI * i / period) + rnd.nextGaussian() * 0.5);
    }
    return v;
  }

  private static double[] pValues(double[] v) {
    PatternNovelty n = new PatternNovelty(500);
    int needed = PatternNovelty.historyNeeded();
    double[] p = new double[v.length];
    Arrays.fill(p, 1);
    for (int i = needed; i < v.length; i++) {
      p[i] = n.pValue(Arrays.copyOfRange(v, i - needed, i), v[i]);
    }
    return p;
  }

  @Test
  void aChangedShapeInsideTheUsualRangeRanksAsNovel() {
    double[] p = pValues(series(1));
    double changed = Arrays.stream(p, CLEAN, p.length).min().orElseThrow();
    long cleanLow = Arrays.stream(p, 0, CLEAN).filter(x -> x < 1e-3).count();
    assertThat(changed).isLessThan(1e-4);
    assertThat(cleanLow).isLessThanOrEqualTo(3);
    // silent until a full reference set and a calibration sample exist
    int silent = PatternNovelty.historyNeeded() + PatternNovelty.CALIBRATION;
    assertThat(Arrays.stream(p, 0, silent)).containsOnly(1.0);
    assertThat(p[silent + 1]).isLessThan(1.0);
  }

  @Test
  void isScaleFree() {
    double[] small = pValues(series(1));
    double[] large = pValues(series(1e6));
    for (int i = 0; i < small.length; i++) {
      assertThat(large[i]).as("point %d", i).isCloseTo(small[i], within(1e-9));
    }
  }
}
